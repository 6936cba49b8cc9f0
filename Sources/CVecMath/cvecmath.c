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
