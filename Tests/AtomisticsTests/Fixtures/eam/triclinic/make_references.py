#!/usr/bin/env python3
"""Makes the triclinic, small-box EAM reference evaluations in this folder with LAMMPS.

A 108-atom fcc copper crystal (3x3x3 conventional cells, a = 3.615 A) deformed into a general
triclinic LAMMPS box, every atom displaced by a normal random vector (sigma 0.08 A per
component, seed 2026). Its perpendicular widths (about 10.7 A) are less than twice the
Cu_mishin1 and CuNi cutoffs, so images beyond the nearest one interact. Cases:
  u3     Cu_u3.eam            pair_style eam
  mishin Cu_mishin1.eam.alloy pair_style eam/alloy
  cuni   CuNi.eam.alloy       pair_style eam/alloy, random Cu/Ni (seed 7)
  funcfl Cu_u3.eam + Ni_u3.eam pair_style eam with one funcfl file per type, random Cu/Ni (the
                              Ni tables are resampled onto the Cu grid, LAMMPS's file2array)
  fs     CuNi_scaled.eam.fs   pair_style eam/fs: the CuNi tables with rho_Ni->Cu scaled by 1.3
                              and rho_Cu->Ni by 0.8 (this script writes the file)

Run from this folder with the repository's potentials/ two levels up:
    python3 make_references.py        (needs `lmp`, LAMMPS 29 Sep 2021 was used)
Each case folder gets config.data, config.extxyz, in.eam, forces.dump, log.lammps and
reference.json (energy_eV, forces_eV_per_A in id order, virial_eV_xx_yy_zz_xy_xz_yz = P·V/nktv2p,
pressure_bar_virial_only, volume_A3, elements, and the input: lattice_A (rows a, b, c),
positions_A (as in config.data), types (1-based)).
"""
import json, os, random, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
POTENTIALS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "potentials"))
NKTV2P = 1.6021765e6

lx, ly, lz, xy, xz, yz = 10.9, 10.8, 10.85, 1.1, -0.7, 0.6
H = [[lx, 0, 0], [xy, ly, 0], [xz, yz, lz]]
rng = random.Random(2026)
basis = [(0, 0, 0), (0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5)]
positions = []
for i in range(3):
    for j in range(3):
        for k in range(3):
            for b in basis:
                s = [(i + b[0]) / 3, (j + b[1]) / 3, (k + b[2]) / 3]
                x = [sum(s[r] * H[r][c] for r in range(3)) + rng.gauss(0, 0.08) for c in range(3)]
                positions.append(x)
types_rng = random.Random(7)
mixed = [1 + (types_rng.random() < 0.4) for _ in positions]


def write_fs():
    lines = open(os.path.join(POTENTIALS, "CuNi.eam.alloy")).read().split("\n")
    header, words = lines[:5], " ".join(lines[5:]).split()
    nrho, drho, nr, dr, cut = header[4].split()
    nrho, nr = int(nrho), int(nr)
    pos, elements, embed, dens, head = 0, ["Ni", "Cu"], [], [], []
    for e in range(2):
        head.append(" ".join(words[pos:pos + 4])); pos += 4
        embed.append(words[pos:pos + nrho]); pos += nrho
        dens.append([float(v) for v in words[pos:pos + nr]]); pos += nr
    pairs = [words[pos + t * nr: pos + (t + 1) * nr] for t in range(3)]
    scale = {(0, 1): 1.3, (1, 0): 0.8}   # (source, host): Ni at Cu x1.3, Cu at Ni x0.8

    def table(values):
        return "\n".join(" ".join(values[s:s + 5]) for s in range(0, len(values), 5))
    out = ["CuNi.eam.alloy (Onat and Durukanoglu 2014) in Finnis-Sinclair form, for tests only",
           "rho(Ni at Cu) scaled by 1.3, rho(Cu at Ni) by 0.8; all other tables unchanged",
           "written by Tests/AtomisticsTests/Fixtures/eam/triclinic/make_references.py",
           "2 Ni Cu", header[4]]
    for e in range(2):
        out += [head[e], table(embed[e])]
        for h in range(2):
            out.append(table([repr(v * scale.get((e, h), 1.0)) for v in dens[e]]))
    out += [table(p) for p in pairs]
    with open(os.path.join(HERE, "CuNi_scaled.eam.fs"), "w") as f:
        f.write("\n".join(out) + "\n")


CASES = {
    "u3": ("eam", "1 1 Cu_u3.eam", "Cu_u3.eam", ["Cu"], [1] * len(positions)),
    "mishin": ("eam/alloy", "* * Cu_mishin1.eam.alloy Cu", "Cu_mishin1.eam.alloy", ["Cu"], [1] * len(positions)),
    "cuni": ("eam/alloy", "* * CuNi.eam.alloy Cu Ni", "CuNi.eam.alloy", ["Cu", "Ni"], mixed),
    "fs": ("eam/fs", "* * CuNi_scaled.eam.fs Cu Ni", "CuNi_scaled.eam.fs", ["Cu", "Ni"], mixed),
    "funcfl": ("eam", "1 1 Cu_u3.eam\npair_coeff 2 2 Ni_u3.eam", "Cu_u3.eam Ni_u3.eam", ["Cu", "Ni"], mixed),
}
MASS = {"Cu": 63.546, "Ni": 58.69}


def run(name, style, coeff, potfile, elements, types):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.data"), "w") as f:
        f.write("EAM triclinic small-box reference configuration\n\n")
        f.write(f"{len(positions)} atoms\n{len(elements)} atom types\n\n")
        f.write(f"0.0 {lx!r} xlo xhi\n0.0 {ly!r} ylo yhi\n0.0 {lz!r} zlo zhi\n{xy!r} {xz!r} {yz!r} xy xz yz\n\n")
        f.write("Masses\n\n" + "".join(f"{t + 1} {MASS[e]}\n" for t, e in enumerate(elements)))
        f.write("\nAtoms # atomic\n\n")
        for i, (x, t) in enumerate(zip(positions, types)):
            f.write(f"{i + 1} {t} {x[0]!r} {x[1]!r} {x[2]!r}\n")
    with open(os.path.join(d, "config.extxyz"), "w") as f:
        lattice = " ".join(repr(float(v)) for row in H for v in row)
        f.write(f"{len(positions)}\nLattice=\"{lattice}\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n")
        for x, t in zip(positions, types):
            f.write(f"{elements[t - 1]} {x[0]!r} {x[1]!r} {x[2]!r}\n")
    with open(os.path.join(d, "in.eam"), "w") as f:
        f.write(f"""units metal
atom_style atomic
boundary p p p
read_data config.data
pair_style {style}
pair_coeff {coeff}
neighbor 2.0 bin
compute press all pressure NULL virial
thermo_style custom step pe press c_press[1] c_press[2] c_press[3] c_press[4] c_press[5] c_press[6] vol
thermo_modify format float %.17g
dump d all custom 1 forces.dump id type x y z fx fy fz
dump_modify d format float %.17g sort id
run 0
""")
    for pf in potfile.split():
        src = os.path.join(HERE, pf) if pf.endswith(".fs") else os.path.join(POTENTIALS, pf)
        shutil.copy(src, os.path.join(d, pf))
    subprocess.run(["lmp", "-in", "in.eam", "-log", "log.lammps", "-screen", "none"], cwd=d, check=True)
    for pf in potfile.split():
        os.remove(os.path.join(d, pf))
    log = open(os.path.join(d, "log.lammps")).read().split("\n")
    row = log[[k for k, l in enumerate(log) if l.split()[:2] == ["Step", "PotEng"]][0] + 1].split()
    pe, press, p = float(row[1]), float(row[2]), [float(v) for v in row[3:9]]
    vol = float(row[9])
    dump = open(os.path.join(d, "forces.dump")).read().split("\n")
    start = [k for k, l in enumerate(dump) if l.startswith("ITEM: ATOMS")][0] + 1
    forces = [[float(v) for v in l.split()[5:8]] for l in dump[start:] if l.strip()]
    ref = {"potential": style, "pair_coeff": coeff, "elements": elements, "natoms": len(positions),
           "energy_eV": pe, "virial_eV_xx_yy_zz_xy_xz_yz": [v * vol / NKTV2P for v in p],
           "pressure_bar_virial_only": press, "volume_A3": vol, "forces_eV_per_A": forces,
           "lattice_A": [float(v) for r in H for v in r], "positions_A": positions, "types": types}
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    print(name, pe, press)


write_fs()
for name, args in CASES.items():
    run(name, *args)
