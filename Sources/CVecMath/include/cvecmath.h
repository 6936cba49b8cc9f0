/* Vectorised elementary functions over contiguous double arrays.
 *
 * Each symmd_v<f>(x, y, n) writes y[k] = f(x[k]) for k < n (x and y may alias).
 * On x86-64 with AVX-512 or AVX2 they call glibc's libmvec (at most 4 ulp error);
 * elsewhere, and for the tail of each array, the scalar libm function. */
#ifndef SYMMD_CVECMATH_H
#define SYMMD_CVECMATH_H

void symmd_vtanh(const double *x, double *y, long n);
/* y[k] = tanhf(x[k]) in single precision (libmvec's float variant where available). */
void symmd_vtanhf(const float *x, float *y, long n);
/* y[k] = expf(x[k]) in single precision. */
void symmd_vexpf(const float *x, float *y, long n);
/* The quintic pieces of a compressed embedding table in single precision: g and dg/ds (count × m)
   at `count` inputs; coefficients laid out by power, coef[(6k + p)·m + j]. */
void symmd_quintic_f32(const float *s, long count, const float *coef, long m, long intervals, float lo, float h,
                       float *g, float *dg);
/* out[r] = Σ_j a[r·m + j]·b[r·m + j] for r < rows, in single precision. */
void symmd_rowdot_f32(const float *a, const float *b, long rows, long m, float *out);
void symmd_vexp(const double *x, double *y, long n);
void symmd_vlog(const double *x, double *y, long n);
void symmd_vsin(const double *x, double *y, long n);
void symmd_vcos(const double *x, double *y, long n);
void symmd_verf(const double *x, double *y, long n);
void symmd_vexpm1(const double *x, double *y, long n);
void symmd_vlog1p(const double *x, double *y, long n);

/* Which kernel the functions above use: 512 (AVX-512), 256 (AVX2) or 0 (scalar libm). */
int symmd_vecmath_width(void);

/* glibc malloc tuned for many large short-lived buffers (see Allocator.tuneForTensors). */
void symmd_tune_malloc(void);

#endif
