/*
 * cell_energy.c: the symmd C API from plain C, no Swift toolchain needed at run time.
 *
 * Reads an extended-XYZ frame (Lattice="…" and lines "Element x y z …"), loads a symmd model,
 * evaluates the periodic cell with symmd_model_compute_cell and prints one JSON object: natoms,
 * energy (eV), forces (eV/Å) and virial (eV, row-major), as `symmd eval --json` does.
 *
 *   make kim-lib
 *   cc -std=c99 -O2 -I Sources/CSymmdAPI/include examples/c/cell_energy.c \
 *      -L .build-kim/release -lSymmdC -Wl,-rpath,$PWD/.build-kim/release -o out/cell_energy
 *   out/cell_energy potentials/cu-emt-se.sdp systems/cu-emt/valid.extxyz
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symmd.h"

/* Prints a message to stderr and exits 1. */
static void die(const char *what, const char *detail)
{
    fprintf(stderr, "cell_energy: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* Reads the first frame of an extxyz file: count, cell (rows), element names and positions. */
static void read_frame(const char *path, long *count, double cell[9], char (**names)[8], double **positions)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    char *lattice;
    long i;
    if (f == NULL) die("cannot open", path);
    if (fgets(line, sizeof line, f) == NULL || sscanf(line, "%ld", count) != 1 || *count < 1)
        die("expected an atom count on line 1 of", path);
    if (fgets(line, sizeof line, f) == NULL || (lattice = strstr(line, "Lattice=\"")) == NULL
        || sscanf(lattice + 9, "%lf %lf %lf %lf %lf %lf %lf %lf %lf", &cell[0], &cell[1], &cell[2], &cell[3],
                  &cell[4], &cell[5], &cell[6], &cell[7], &cell[8]) != 9)
        die("expected Lattice=\"…\" with 9 numbers on line 2 of", path);
    *names = malloc((size_t) *count * sizeof **names);
    *positions = malloc((size_t) *count * 3 * sizeof **positions);
    if (*names == NULL || *positions == NULL) die("out of memory", NULL);
    for (i = 0; i < *count; ++i) {
        double *x = *positions + 3 * i;
        if (fgets(line, sizeof line, f) == NULL
            || sscanf(line, "%7s %lf %lf %lf", (*names)[i], &x[0], &x[1], &x[2]) != 4)
            die("expected 'Element x y z' on an atom line of", path);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    char message[512];
    symmd_model *model = NULL;
    double cell[9], energy = 0, virial[9];
    double *positions, *forces;
    char (*names)[8];
    int *types;
    long count, i;
    symmd_outputs out;

    if (argc != 3) die("usage: cell_energy MODEL.sdp FRAME.extxyz", NULL);
    if (symmd_model_load(argv[1], &model, message, sizeof message) != SYMMD_OK) die("load", message);
    read_frame(argv[2], &count, cell, &names, &positions);
    types = malloc((size_t) count * sizeof *types);
    forces = malloc((size_t) count * 3 * sizeof *forces);
    if (types == NULL || forces == NULL) die("out of memory", NULL);
    for (i = 0; i < count; ++i) {
        types[i] = symmd_model_type_index(model, names[i]);
        if (types[i] < 0) die("the model has no species", names[i]);
    }
    memset(&out, 0, sizeof out);
    out.energy = &energy;
    out.forces = forces;
    out.virial = virial;
    if (symmd_model_compute_cell(model, count, positions, types, cell, NULL, &out, message, sizeof message) != SYMMD_OK)
        die("compute", message);

    printf("{\"symmd\":\"%s\",\"cutoff\":%.17g,\"natoms\":%ld,\"energy\":%.17g,\"forces\":[", symmd_version(),
           symmd_model_cutoff(model), count, energy);
    for (i = 0; i < count; ++i)
        printf("%s[%.17g,%.17g,%.17g]", i ? "," : "", forces[3 * i], forces[3 * i + 1], forces[3 * i + 2]);
    printf("],\"virial\":[");
    for (i = 0; i < 9; ++i) printf("%s%.17g", i ? "," : "", virial[i]);
    printf("]}\n");

    symmd_model_free(model);
    free(names);
    free(positions);
    free(types);
    free(forces);
    return 0;
}
