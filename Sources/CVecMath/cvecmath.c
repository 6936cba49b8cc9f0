/* Vectorised elementary functions: runtime dispatch to glibc libmvec (AVX-512 / AVX2). */
#include "cvecmath.h"
#include <math.h>

#if defined(__x86_64__) && defined(__GLIBC__)
#include <immintrin.h>
#define SYMMD_HAVE_MVEC 1
#endif

#ifdef SYMMD_HAVE_MVEC
static int symmd_width = -1;

static int detect_width(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
    return 0;
}

int symmd_vecmath_width(void) {
    int w = __atomic_load_n(&symmd_width, __ATOMIC_RELAXED);
    if (w < 0) {
        w = detect_width();
        __atomic_store_n(&symmd_width, w, __ATOMIC_RELAXED);
    }
    return w;
}

#define SYMMD_VECFN(NAME)                                                                  \
    __attribute__((target("avx512f"))) __m512d _ZGVeN8v_##NAME(__m512d);                                                 \
    __attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_##NAME(__m256d);                                                 \
    __attribute__((target("avx512f"))) static void NAME##_512(const double *x, double *y,  \
                                                             long n) {                     \
        long k = 0;                                                                        \
        for (; k + 8 <= n; k += 8)                                                         \
            _mm512_storeu_pd(y + k, _ZGVeN8v_##NAME(_mm512_loadu_pd(x + k)));              \
        for (; k < n; k++) y[k] = NAME(x[k]);                                              \
    }                                                                                      \
    __attribute__((target("avx2,fma"))) static void NAME##_256(const double *x, double *y, \
                                                               long n) {                   \
        long k = 0;                                                                        \
        for (; k + 4 <= n; k += 4)                                                         \
            _mm256_storeu_pd(y + k, _ZGVdN4v_##NAME(_mm256_loadu_pd(x + k)));              \
        for (; k < n; k++) y[k] = NAME(x[k]);                                              \
    }                                                                                      \
    void symmd_v##NAME(const double *x, double *y, long n) {                               \
        switch (symmd_vecmath_width()) {                                                   \
        case 512: NAME##_512(x, y, n); return;                                             \
        case 256: NAME##_256(x, y, n); return;                                             \
        default:                                                                           \
            for (long k = 0; k < n; k++) y[k] = NAME(x[k]);                                \
        }                                                                                  \
    }
/* Single precision: libmvec's float variants (glibc 2.35 and later), 16 or 8 lanes. */
#define SYMMD_VECFNF(NAME)                                                                 \
    __attribute__((target("avx512f"))) __m512 _ZGVeN16v_##NAME##f(__m512);                \
    __attribute__((target("avx2,fma"))) __m256 _ZGVdN8v_##NAME##f(__m256);                \
    __attribute__((target("avx512f"))) static void NAME##f_512(const float *x, float *y,  \
                                                              long n) {                    \
        long k = 0;                                                                        \
        for (; k + 16 <= n; k += 16)                                                       \
            _mm512_storeu_ps(y + k, _ZGVeN16v_##NAME##f(_mm512_loadu_ps(x + k)));          \
        for (; k < n; k++) y[k] = NAME##f(x[k]);                                           \
    }                                                                                      \
    __attribute__((target("avx2,fma"))) static void NAME##f_256(const float *x, float *y, \
                                                                long n) {                  \
        long k = 0;                                                                        \
        for (; k + 8 <= n; k += 8)                                                         \
            _mm256_storeu_ps(y + k, _ZGVdN8v_##NAME##f(_mm256_loadu_ps(x + k)));           \
        for (; k < n; k++) y[k] = NAME##f(x[k]);                                           \
    }                                                                                      \
    void symmd_v##NAME##f(const float *x, float *y, long n) {                              \
        switch (symmd_vecmath_width()) {                                                   \
        case 512: NAME##f_512(x, y, n); return;                                            \
        case 256: NAME##f_256(x, y, n); return;                                            \
        default:                                                                           \
            for (long k = 0; k < n; k++) y[k] = NAME##f(x[k]);                             \
        }                                                                                  \
    }
#else
int symmd_vecmath_width(void) { return 0; }
#define SYMMD_VECFNF(NAME)                                                                 \
    void symmd_v##NAME##f(const float *x, float *y, long n) {                              \
        for (long k = 0; k < n; k++) y[k] = NAME##f(x[k]);                                 \
    }
#define SYMMD_VECFN(NAME)                                                                  \
    void symmd_v##NAME(const double *x, double *y, long n) {                               \
        for (long k = 0; k < n; k++) y[k] = NAME(x[k]);                                    \
    }
#endif

SYMMD_VECFN(tanh)
SYMMD_VECFN(exp)
SYMMD_VECFN(log)
SYMMD_VECFN(sin)
SYMMD_VECFN(cos)
SYMMD_VECFN(erf)
SYMMD_VECFN(expm1)
SYMMD_VECFN(log1p)
SYMMD_VECFNF(tanh)
SYMMD_VECFNF(exp)

#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Keep large freed blocks in the heap (no mmap per tensor, no heap trimming per free). */
void symmd_tune_malloc(void) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

/* The quintic pieces of a compressed embedding table in single precision (mixed precision):
   for each input x, interval k = clamp(floor((x − lo)/h), 0, intervals − 1), t = x − (lo + k·h),
   g_j = Σ_p c[(6k+p)·m + j]·t^p and dg_j = Σ_p p·c[(6k+p)·m + j]·t^(p−1), the coefficients laid out
   by power so the column loop vectorises; dispatched to AVX-512 or AVX2+FMA at run time. */
#define SYMMD_QUINTIC_BODY                                                                          \
    for (long r = 0; r < count; r++) {                                                              \
        float x = s[r];                                                                             \
        long k = (long) floorf((x - lo) / h);                                                       \
        if (k < 0) k = 0;                                                                           \
        if (k > intervals - 1) k = intervals - 1;                                                   \
        float t = x - (lo + (float) k * h);                                                         \
        const float *a0 = coef + 6 * k * m, *a1 = a0 + m, *a2 = a1 + m, *a3 = a2 + m, *a4 = a3 + m, \
                    *a5 = a4 + m;                                                                   \
        float *restrict out = g + r * m, *restrict dout = dg + r * m;                               \
        for (long j = 0; j < m; j++) {                                                              \
            out[j] = a0[j] + t * (a1[j] + t * (a2[j] + t * (a3[j] + t * (a4[j] + t * a5[j]))));     \
            dout[j] = a1[j] + t * (2 * a2[j] + t * (3 * a3[j] + t * (4 * a4[j] + t * 5 * a5[j])));  \
        }                                                                                           \
    }

#ifdef SYMMD_HAVE_MVEC
__attribute__((target("avx512f"))) static void quintic_512(const float *s, long count, const float *coef, long m,
                                                           long intervals, float lo, float h, float *g, float *dg) {
    SYMMD_QUINTIC_BODY
}
__attribute__((target("avx2,fma"))) static void quintic_256(const float *s, long count, const float *coef, long m,
                                                            long intervals, float lo, float h, float *g, float *dg) {
    SYMMD_QUINTIC_BODY
}
#endif
static void quintic_plain(const float *s, long count, const float *coef, long m, long intervals, float lo, float h,
                          float *g, float *dg) {
    SYMMD_QUINTIC_BODY
}

void symmd_quintic_f32(const float *s, long count, const float *coef, long m, long intervals, float lo, float h,
                       float *g, float *dg) {
#ifdef SYMMD_HAVE_MVEC
    switch (symmd_vecmath_width()) {
    case 512: quintic_512(s, count, coef, m, intervals, lo, h, g, dg); return;
    case 256: quintic_256(s, count, coef, m, intervals, lo, h, g, dg); return;
    default: break;
    }
#endif
    quintic_plain(s, count, coef, m, intervals, lo, h, g, dg);
}

/* out[r] = Σ_j a[r·m + j]·b[r·m + j] for r < rows, in single precision (the chain rule through a
   compressed table: ∂E/∂s = Σ_j ∂E/∂g_j · dg_j/ds); dispatched like the functions above. */
#define SYMMD_ROWDOT_BODY                                                                           \
    for (long r = 0; r < rows; r++) {                                                               \
        const float *x = a + r * m, *y = b + r * m;                                                 \
        float acc = 0;                                                                              \
        for (long j = 0; j < m; j++) acc += x[j] * y[j];                                            \
        out[r] = acc;                                                                               \
    }
#ifdef SYMMD_HAVE_MVEC
__attribute__((target("avx512f"))) static void rowdot_512(const float *a, const float *b, long rows, long m, float *out) {
    SYMMD_ROWDOT_BODY
}
__attribute__((target("avx2,fma"))) static void rowdot_256(const float *a, const float *b, long rows, long m, float *out) {
    SYMMD_ROWDOT_BODY
}
#endif
static void rowdot_plain(const float *a, const float *b, long rows, long m, float *out) { SYMMD_ROWDOT_BODY }

void symmd_rowdot_f32(const float *a, const float *b, long rows, long m, float *out) {
#ifdef SYMMD_HAVE_MVEC
    switch (symmd_vecmath_width()) {
    case 512: rowdot_512(a, b, rows, m, out); return;
    case 256: rowdot_256(a, b, rows, m, out); return;
    default: break;
    }
#endif
    rowdot_plain(a, b, rows, m, out);
}
