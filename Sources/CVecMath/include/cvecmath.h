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
