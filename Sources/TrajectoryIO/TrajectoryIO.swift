/// Structure and trajectory files: extended XYZ and LAMMPS data.
public enum TrajectoryIO {}
