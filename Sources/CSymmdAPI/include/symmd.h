/*
 * symmd.h: the C API of symmd deep potentials (library libSymmdC.so).
 *
 * Load a symmd model file (.sdp), ask its cutoff and type map, and evaluate energy, forces and
 * virial either from explicit particles with a full neighbor list (what a simulator such as
 * LAMMPS or a KIM model driver has: owned particles, ghost particles, lists that include a skin)
 * or from a periodic cell (the library builds its own list).
 *
 * Units are symmd's metal units: positions and cells in Å, energies in eV, forces in eV/Å,
 * virials in eV.
 *
 * Virial convention (LAMMPS's and symmd's, not KIM's): W = -Σ_ij r_ij ⊗ ∂E/∂r_ij with
 * r_ij = x_j - x_i, which equals Σ_i x_i ⊗ F_i for a finite cluster; pressure is
 * P = (N k_B T + tr W / 3) / V. KIM's partialVirial is -W. Virials are full 3×3 matrices stored
 * row-major (9 numbers; per particle 9 per particle).
 *
 * Errors: every entry that can fail returns a symmd_status and, when `message` is non-NULL,
 * writes a NUL-terminated explanation (truncated to `message_size` bytes). Nothing a caller
 * passes in (a corrupt model file, an index out of range, a NaN position) aborts the process.
 *
 * Threads: a model handle is immutable after loading. Calls on one handle are serialized by a
 * lock inside the handle; calls on distinct handles may run concurrently. symmd_set_threads sets
 * how many threads one evaluation uses (process-wide; default 1, the right value under MPI with
 * one rank per core).
 */
#ifndef SYMMD_H
#define SYMMD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this API; bumped when a declaration below changes incompatibly. */
#define SYMMD_API_VERSION 1

/** Result of every entry that can fail. */
typedef enum symmd_status {
    SYMMD_OK = 0,
    /** The model file is missing, unreadable, corrupt or not a symmd deep potential. */
    SYMMD_ERROR_MODEL_FILE = 1,
    /** An argument is invalid: NULL where data is needed, a count or index out of range, a
     *  species the model lacks, a non-finite position. */
    SYMMD_ERROR_ARGUMENT = 2,
    /** Evaluation failed: the cell is degenerate or too small for the library's own neighbor list,
     *  or the result is not finite. (Atoms with more neighbors of a type than the model's sel are
     *  not an error: they are counted, see symmd_model_sel_overflow_count.) */
    SYMMD_ERROR_EVALUATION = 3
} symmd_status;

/** An opaque loaded model. */
typedef struct symmd_model symmd_model;

/**
 * Where an evaluation writes its results; every pointer may be NULL (that quantity is not
 * computed or not written). Arrays are owned by the caller and sized for `particle_count`; on
 * success every element of each given array is overwritten (never accumulated into), on failure
 * none is touched.
 */
typedef struct symmd_outputs {
    /** Energy of the contributing particles (eV): one double. */
    double *energy;
    /** Per-particle energy (eV), particle_count doubles; 0 for non-contributing particles. */
    double *particle_energy;
    /** Forces −∂E/∂x on every particle, ghosts included (eV/Å): 3 × particle_count doubles. */
    double *forces;
    /** Virial W (eV), row-major 3×3: 9 doubles. */
    double *virial;
    /** Per-particle virial (eV), row-major 3×3 each: 9 × particle_count doubles. Each pair term
     *  -r_ij ⊗ ∂E_i/∂r_ij is given to the neighbor j (DeePMD-kit's atom_virial convention); the
     *  sum over particles equals `virial`. */
    double *particle_virial;
} symmd_outputs;

/**
 * A full neighbor list given by the caller: the neighbors of particle `i` (indices into the
 * particle array), written through `count` and `neighbors`. Called once for each contributing
 * particle. Neighbors farther than the model's cutoff are ignored, so lists may include a skin.
 * Returns 0 on success, non-zero to abort the evaluation (SYMMD_ERROR_ARGUMENT).
 */
typedef int (*symmd_neighbor_fn)(void *context, int64_t i, int64_t *count, const int32_t **neighbors);

/** The library's version string, e.g. "0.1.0". */
const char *symmd_version(void);

/** Sets the threads one evaluation uses (≥ 1; process-wide). */
void symmd_set_threads(int threads);

/** Load a model file. On success *model is a new handle (free it with symmd_model_free). */
symmd_status symmd_model_load(const char *path, symmd_model **model, char *message, size_t message_size);

/** Release a model handle (NULL is allowed). */
void symmd_model_free(symmd_model *model);

/** The model's cutoff radius r_c (Å). */
double symmd_model_cutoff(const symmd_model *model);

/** Number of species (types) in the model's type map. */
int symmd_model_type_count(const symmd_model *model);

/** Element name of type `type` (0-based), or NULL when out of range. Owned by the handle. */
const char *symmd_model_type_name(const symmd_model *model, int type);

/** The type index of an element name, or -1 when the model lacks it. */
int symmd_model_type_index(const symmd_model *model, const char *element);

/** The model file's format version. */
int symmd_model_file_version(const symmd_model *model);

/**
 * Tabulate the model's embedding nets (DeePMD-kit's model compression: quintic tables with
 * interval `stride` in the normalised s, 0.01 recommended); later evaluations use the tables,
 * forces change at the 1e-7 relative level and evaluation runs about twice as fast. A stride
 * outside (0, 1] is an argument error.
 */
symmd_status symmd_model_compress(symmd_model *model, double stride, char *message, size_t message_size);

/**
 * The precision the model's networks run in: "float64" (the default), "mixed" (float32 embedding
 * nets or tables, contractions and fitting nets; float64 environment geometry, energy sums, forces
 * and virial) or "float32" (the environment rows, their Jacobians and dE/dr_ij in float32 too;
 * energies, forces and virial still summed in float64); later evaluations use it. Any other text
 * is an argument error.
 */
symmd_status symmd_model_set_precision(symmd_model *model, const char *precision, char *message, size_t message_size);

/** Atoms (summed over evaluations) that had more neighbors of a type than the model's sel
 *  allows; their farthest neighbors were dropped. */
int64_t symmd_model_sel_overflow_count(const symmd_model *model);

/**
 * Evaluate from explicit particles.
 *
 * @param particle_count  N, particles including ghosts.
 * @param positions       3N doubles (Å).
 * @param types           N model type indices (0 ..< symmd_model_type_count); a
 *                        non-contributing particle's type is read only when it is a neighbor.
 * @param contributing    N flags (non-zero: its energy counts and its neighbors are read), or
 *                        NULL for all particles contributing.
 * @param neighbors       the full neighbor list of each contributing particle.
 * @param context         passed to `neighbors` unchanged.
 */
symmd_status symmd_model_compute(symmd_model *model, int64_t particle_count, const double *positions,
                                 const int *types, const int *contributing, symmd_neighbor_fn neighbors,
                                 void *context, symmd_outputs *outputs, char *message, size_t message_size);

/**
 * Evaluate a periodic (or partly periodic) cell; the library builds the neighbor list.
 *
 * @param cell      9 doubles, the three cell vectors as rows (Å).
 * @param periodic  3 flags (non-zero: periodic along that cell vector), or NULL for all periodic.
 */
symmd_status symmd_model_compute_cell(symmd_model *model, int64_t particle_count, const double *positions,
                                      const int *types, const double *cell, const int *periodic,
                                      symmd_outputs *outputs, char *message, size_t message_size);

#ifdef __cplusplus
}
#endif

#endif /* SYMMD_H */
