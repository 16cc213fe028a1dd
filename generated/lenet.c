/*
 * lenet: C emitted by symnet 0.1.0 for float32, compiled batch 64.
 *
 * Sequential(Input(1, 28, 28), Conv2D(6, 5, padding=2), ReLU(), MaxPool(2), Conv2D(16, 5), ReLU(), MaxPool(2), Flatten(), Dense(120), ReLU(), Dense(84), ReLU(), Dense(10), loss=SoftmaxCrossEntropy())
 *
 * Buffers, offsets in elements (named below: CONV1_WEIGHT, CONV1_Y, CONV1_DY, ...):
 *   params  61706 values, each parameter in PyTorch's layout:
 *     conv1.weight     at       0  (6, 1, 5, 5)
 *     conv1.bias       at     150  (6,)
 *     conv2.weight     at     156  (16, 6, 5, 5)
 *     conv2.bias       at    2556  (16,)
 *     dense1.weight    at    2572  (120, 400)
 *     dense1.bias      at   50572  (120,)
 *     dense2.weight    at   50692  (84, 120)
 *     dense2.bias      at   60772  (84,)
 *     dense3.weight    at   60856  (10, 84)
 *     dense3.bias      at   61696  (10,)
 *   grads   d loss / d params, laid out as params
 *   work    2181648 values: each layer's output y, then d loss / d y, for 64 samples:
 *     conv1            y at        0, dy at   301056   reads input
 *     relu1            y at   602112, dy at   903168   reads conv1
 *     maxpool1         y at  1204224, dy at  1279488   reads relu1
 *     conv2            y at  1354752, dy at  1457152   reads maxpool1
 *     relu2            y at  1559552, dy at  1661952   reads conv2
 *     maxpool2         y at  1764352, dy at  1789952   reads relu2
 *     flatten1         y at  1815552, dy at  1841152   reads maxpool2
 *     dense1           y at  1866752, dy at  1874432   reads flatten1
 *     relu3            y at  1882112, dy at  1889792   reads dense1
 *     dense2           y at  1897472, dy at  1902848   reads relu3
 *     relu4            y at  1908224, dy at  1913600   reads dense2
 *     dense3           y at  1918976, dy at  1919616   reads relu4
 *     scratch          at  1920256: the matrix multiply's packed blocks, a convolution's im2col and padded input
 *   index   100864 argmax positions of the max pools
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>   /* sysconf: the L2 cache's size (gemm.c.j2) */
#endif

typedef float real;

#define SN_BATCH 64
#define SN_PARAMS 61706
#define SN_INPUT 784
#define SN_TARGETS 1
#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* How a call runs: the mode, the optimizer step, and where this thread's samples sit (the
 * layers that depend on them, BatchNorm and Dropout, take it as their last argument). */
typedef struct {
    int training;          /* 1: training mode (batch statistics, dropout masks); 0: eval mode */
    long step;             /* optimizer steps taken before this one: part of Dropout's key */
    int offset;            /* the index in its minibatch of the chunk's first sample */
    int first, total;      /* this thread's first sample in the chunk, and the chunk's samples */
    int thread, threads;   /* this thread, of the threads that run the chunk */
    real *work;            /* the work buffer: a layer's state for the chunk lives there */
    real *buffers;         /* the running statistics */
    real descent;          /* -lr in a step of plain gradient descent that the dense layers fold into their backward, else 0 */
    int by_rows;           /* the first layer's forward ran by rows of its weight (sn_step_chunk): forward_range skips it */
} sn_run;

/* The share of count items (samples, channels, parameters) that thread t of threads takes:
 * [*first, *first + return). */
static inline int sn_split(int count, int t, int threads, int *first)
{
    const int base = count / threads, extra = count % threads;
    *first = t * base + (t < extra ? t : extra);
    return base + (t < extra);
}

/* Where each parameter and each layer's output (_Y) and gradient (_DY) begin. */
#define CONV1_WEIGHT             0
#define CONV1_BIAS               150
#define CONV2_WEIGHT             156
#define CONV2_BIAS               2556
#define DENSE1_WEIGHT            2572
#define DENSE1_BIAS              50572
#define DENSE2_WEIGHT            50692
#define DENSE2_BIAS              60772
#define DENSE3_WEIGHT            60856
#define DENSE3_BIAS              61696
#define CONV1_Y                  0
#define CONV1_DY                 301056
#define RELU1_Y                  602112
#define RELU1_DY                 903168
#define MAXPOOL1_Y               1204224
#define MAXPOOL1_DY              1279488
#define MAXPOOL1_ARGMAX          0
#define CONV2_Y                  1354752
#define CONV2_DY                 1457152
#define RELU2_Y                  1559552
#define RELU2_DY                 1661952
#define MAXPOOL2_Y               1764352
#define MAXPOOL2_DY              1789952
#define MAXPOOL2_ARGMAX          75264
#define FLATTEN1_Y               1815552
#define FLATTEN1_DY              1841152
#define DENSE1_Y                 1866752
#define DENSE1_DY                1874432
#define RELU3_Y                  1882112
#define RELU3_DY                 1889792
#define DENSE2_Y                 1897472
#define DENSE2_DY                1902848
#define RELU4_Y                  1908224
#define RELU4_DY                 1913600
#define DENSE3_Y                 1918976
#define DENSE3_DY                1919616

/* The parameters that no layer updates itself in a step of plain gradient descent (see
 * sn_run.descent): [start, end) ranges, and a last one unused. */
#define SN_UNFUSED 1
static const long sn_unfused[SN_UNFUSED + 1][2] = {{0, 2572}, {0, 0}};
/* Range r of the parameters that a pass over the gradients or the update covers: with fused,
 * those of sn_unfused; else one range, all of them. */
#define SN_RANGE_START(r, fused) ((fused) ? sn_unfused[r][0] : 0L)
#define SN_RANGE_END(r, fused) ((fused) ? sn_unfused[r][1] : (long)SN_PARAMS)
#define SN_RANGES(fused) ((fused) ? SN_UNFUSED : 1)

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
/*
 * Matrix multiply for the dense and convolution layers: C = alpha * A B (+ C).
 *
 * A(i, k) = a[i*ars + k*acs] and B(k, j) = b[k*brs + j*bcs], so a transposed operand is
 * only a change of strides. Blocks of A and B are packed into contiguous panels (MR rows
 * of A, NR columns of B, zero-padded at the edges) and a micro-kernel keeps an MR x NR
 * tile of C in vector registers while it walks k: MR*NR/VL fused multiply-adds per two
 * vector loads. The vector width follows the target the compiler was asked for.
 */
#if defined(__AVX512F__)
#define SN_VBYTES 64
#elif defined(__AVX__)
#define SN_VBYTES 32
#else
#define SN_VBYTES 16
#endif
typedef real vreal __attribute__((vector_size(SN_VBYTES), aligned(sizeof(real))));
/* Vectors are read and written at any address through a pointer to this type (may_alias: the
 * values are reals). Not memcpy: GCC expands a copy by pieces of its tuning's widest move, 16
 * bytes under -mtune=znver3, through a copy on the stack; the micro-kernel then ran at a sixth of
 * its speed (AMD EPYC, Zen 3, AVX2). */
typedef real vreal_at __attribute__((vector_size(SN_VBYTES), aligned(sizeof(real)), may_alias));
static inline vreal sn_vload(const real *p) { return *(const vreal_at *)p; }
static inline void sn_vstore(real *p, vreal v) { *(vreal_at *)p = v; }
#define SN_VL ((int)(SN_VBYTES / sizeof(real)))
/* MR x 2 vectors of C stay in registers: AVX-512 has 32 of them, room for MR = 8 (a divisor of the 16,
 * 32, 64 output channels convolutions tend to have); AVX and SSE have 16 */
#if SN_VBYTES == 64
#define SN_MR 8
#else
#define SN_MR 6
#endif
#define SN_NR (2 * SN_VL)
#define SN_KC 256
#define SN_MC 120
#define SN_NC 512
/* below this many rows of A, a transposed B is multiplied unpacked (sn_gemm_nt); from there on
 * too while B takes at most half of the L2 cache (sn_nt_bytes) */
#define SN_NT_ROWS 128
/* at most this long a sum (with B's rows contiguous), C is made row by row (sn_gemm_thin) */
#define SN_THIN_K 4
/* at most this many rows of A (and at most SN_MC), B's rows contiguous: B is read in place (sn_gemm_few) */
#define SN_FEW_ROWS 64

/* panels of NR columns: packed[(p*kc + k)*NR + j] = B(k, p*NR + j), 0 past column nc */
static void sn_pack_b(int kc, int nc, const real *restrict b, long brs, long bcs, real *restrict packed)
{
    for (int p = 0; p * SN_NR < nc; p++) {
        const int width = SN_MIN(SN_NR, nc - p * SN_NR);
        real *restrict panel = packed + (long)p * kc * SN_NR;
        if (bcs == 1) {
            for (int k = 0; k < kc; k++) {
                const real *restrict row = b + k * brs + (long)p * SN_NR;
                int j = 0;
                for (; j < width; j++)
                    panel[k * SN_NR + j] = row[j];
                for (; j < SN_NR; j++)
                    panel[k * SN_NR + j] = 0;
            }
        } else {
            /* a transposed B: walk each column of the panel, which is contiguous in b when brs == 1 */
            for (int j = 0; j < SN_NR; j++) {
                const real *restrict column = b + (long)(p * SN_NR + j) * bcs;
                if (j < width)
                    for (int k = 0; k < kc; k++)
                        panel[k * SN_NR + j] = column[k * brs];
                else
                    for (int k = 0; k < kc; k++)
                        panel[k * SN_NR + j] = 0;
            }
        }
    }
}

/* panels of MR rows: packed[(p*kc + k)*MR + i] = A(p*MR + i, k), 0 past row mc */
static void sn_pack_a(int mc, int kc, const real *restrict a, long ars, long acs, real *restrict packed)
{
    for (int p = 0; p * SN_MR < mc; p++) {
        const int height = SN_MIN(SN_MR, mc - p * SN_MR);
        real *restrict panel = packed + (long)p * kc * SN_MR;
        for (int k = 0; k < kc; k++) {
            int i = 0;
            for (; i < height; i++)
                panel[k * SN_MR + i] = a[(p * SN_MR + i) * ars + k * acs];
            for (; i < SN_MR; i++)
                panel[k * SN_MR + i] = 0;
        }
    }
}

/* C[0:m, 0:n] (+)= alpha * (MR x kc panel of A) (kc x NR block of B), m <= MR, n <= NR. The block's
 * rows are ldb apart: SN_NR in a packed panel, B's own row stride when B is read in place. */
static inline void sn_micro(int kc, const real *restrict a, const real *restrict b, long ldb, real *restrict c,
                            long ldc, int m, int n, real alpha, int accumulate)
{
    vreal acc[SN_MR][2];
    for (int i = 0; i < SN_MR; i++)
        acc[i][0] = acc[i][1] = (vreal){0};
    for (int k = 0; k < kc; k++) {
        const vreal b0 = sn_vload(b + k * ldb), b1 = sn_vload(b + k * ldb + SN_VL);
        for (int i = 0; i < SN_MR; i++) {
            const real ai = a[k * SN_MR + i];
            acc[i][0] += ai * b0;
            acc[i][1] += ai * b1;
        }
    }
    if (m == SN_MR && n == SN_NR) {
        for (int i = 0; i < SN_MR; i++)
            for (int half = 0; half < 2; half++) {
                vreal out = acc[i][half] * alpha;
                if (accumulate) {
                    const vreal old = sn_vload(c + i * ldc + half * SN_VL);
                    out += old;
                }
                sn_vstore(c + i * ldc + half * SN_VL, out);
            }
        return;
    }
    real tile[SN_MR][SN_NR];
    for (int i = 0; i < SN_MR; i++) {
        sn_vstore(tile[i], acc[i][0]);
        sn_vstore(tile[i] + SN_VL, acc[i][1]);
    }
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            c[i * ldc + j] = alpha * tile[i][j] + (accumulate ? c[i * ldc + j] : 0);
}

/* sn_micro for at most VL columns: C[0:m, 0:n] (+)= alpha * (MR x kc panel of A) (kc x VL block of B),
 * n <= VL, one vector of C per row (the last columns of a product, which two vectors would
 * mostly waste). */
static inline void sn_micro_one(int kc, const real *restrict a, const real *restrict b, long ldb, real *restrict c,
                                long ldc, int m, int n, real alpha, int accumulate)
{
    vreal acc[SN_MR];
    for (int i = 0; i < SN_MR; i++)
        acc[i] = (vreal){0};
    for (int k = 0; k < kc; k++) {
        const vreal b0 = sn_vload(b + k * ldb);
        for (int i = 0; i < SN_MR; i++)
            acc[i] += a[k * SN_MR + i] * b0;
    }
    real tile[SN_MR][SN_VL];
    for (int i = 0; i < SN_MR; i++)
        sn_vstore(tile[i], acc[i]);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            c[i * ldc + j] = alpha * tile[i][j] + (accumulate ? c[i * ldc + j] : 0);
}

/* One or two rows of C (a batch of one through a dense layer), or few columns of A (a batch of
 * up to SN_THIN_K samples into a dense layer's dW): packing would cost more than the multiply,
 * so each row of C is made straight from B's rows, as their combination, four at a time.
 * (A transposed B with contiguous columns goes to sn_gemm_nt instead.) */
static void sn_gemm_thin(int m, int n, int k, real alpha, const real *a, long ars, long acs, const real *b,
                         long brs, long bcs, real *c, long ldc, int accumulate)
{
    for (int i = 0; i < m; i++) {
        real *restrict row = c + (long)i * ldc;
        const real *restrict ai = a + (long)i * ars;
        if (bcs == 1) {
            if (!accumulate)
                memset(row, 0, sizeof(real) * (size_t)n);
            int p = 0;
            for (; p + 4 <= k; p += 4) {  /* one pass over the row of C for four rows of B */
                const real w0 = alpha * ai[p * acs], w1 = alpha * ai[(p + 1) * acs];
                const real w2 = alpha * ai[(p + 2) * acs], w3 = alpha * ai[(p + 3) * acs];
                const real *restrict b0 = b + (long)p * brs, *restrict b1 = b0 + brs;
                const real *restrict b2 = b1 + brs, *restrict b3 = b2 + brs;
                for (int j = 0; j < n; j++)
                    row[j] += w0 * b0[j] + w1 * b1[j] + w2 * b2[j] + w3 * b3[j];
            }
            for (; p < k; p++) {
                const real weight = alpha * ai[p * acs];
                const real *restrict bp = b + (long)p * brs;
                for (int j = 0; j < n; j++)
                    row[j] += weight * bp[j];
            }
        } else {
            for (int j = 0; j < n; j++) {
                real sum = 0;
                for (int p = 0; p < k; p++)
                    sum += ai[p * acs] * b[p * brs + j * bcs];
                row[j] = alpha * sum + (accumulate ? row[j] : 0);
            }
        }
    }
}

/* Summing the lanes of several vectors at once. SN_SHUFFLE(x, y, i, ...) picks lanes of x
 * (0 to VL - 1) and of y (VL up); sn_fold(w, x, y) takes two vectors made of groups of w lanes,
 * each group adding up to one total, and adds each group's second half to its first half:
 * the result holds x's groups and then y's, w / 2 lanes each. */
typedef int32_t vindex __attribute__((vector_size(SN_VBYTES)));
#if defined(__clang__)
#define SN_SHUFFLE(x, y, ...) __builtin_shufflevector(x, y, __VA_ARGS__)
#else
#define SN_SHUFFLE(x, y, ...) __builtin_shuffle(x, y, (vindex){__VA_ARGS__})
#endif
static inline vreal sn_fold(int w, vreal x, vreal y)
{
    switch (w) {
#if SN_VBYTES == 64
    case 16: return SN_SHUFFLE(x, y, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
                   + SN_SHUFFLE(x, y, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    case 8: return SN_SHUFFLE(x, y, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
                   + SN_SHUFFLE(x, y, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    case 4: return SN_SHUFFLE(x, y, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29)
                   + SN_SHUFFLE(x, y, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
    case 2: return SN_SHUFFLE(x, y, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
                   + SN_SHUFFLE(x, y, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
#elif SN_VBYTES == 32
    case 8: return SN_SHUFFLE(x, y, 0, 1, 2, 3, 8, 9, 10, 11)
                   + SN_SHUFFLE(x, y, 4, 5, 6, 7, 12, 13, 14, 15);
    case 4: return SN_SHUFFLE(x, y, 0, 1, 4, 5, 8, 9, 12, 13)
                   + SN_SHUFFLE(x, y, 2, 3, 6, 7, 10, 11, 14, 15);
    case 2: return SN_SHUFFLE(x, y, 0, 2, 4, 6, 8, 10, 12, 14)
                   + SN_SHUFFLE(x, y, 1, 3, 5, 7, 9, 11, 13, 15);
#elif SN_VBYTES == 16
    case 4: return SN_SHUFFLE(x, y, 0, 1, 4, 5)
                   + SN_SHUFFLE(x, y, 2, 3, 6, 7);
    case 2: return SN_SHUFFLE(x, y, 0, 2, 4, 6)
                   + SN_SHUFFLE(x, y, 1, 3, 5, 7);
#endif
    default: return x;  /* not reached: w is a power of two from VL down to 2 */
    }
}

/* The sum of v's lanes: v folded with itself until one lane is left. */
static inline __attribute__((always_inline)) real sn_lanes_sum(vreal v)
{
    for (int w = SN_VL; w > 1; w /= 2)
        v = sn_fold(w, v, v);
    return v[0];
}

/* The sum of the n values at p. Added one by one they would be a chain of dependent additions
 * (the compiler keeps their order); instead four vectors of partial sums run side by side and are
 * added up at the end, and the last n % VL values one by one. Not every model calls it (Clang
 * would say so). */
static inline __attribute__((unused)) real sn_sum(const real *restrict p, long n)
{
    vreal part[4] = {0};
    long i = 0;
    for (; i + 4 * SN_VL <= n; i += 4 * SN_VL)
        for (int v = 0; v < 4; v++) {
            const vreal x = sn_vload(p + i + v * SN_VL);
            part[v] += x;
        }
    for (; i + SN_VL <= n; i += SN_VL) {
        const vreal x = sn_vload(p + i);
        part[0] += x;
    }
    real tail = 0;
    for (; i < n; i++)
        tail += p[i];
    return sn_lanes_sum((part[0] + part[1]) + (part[2] + part[3])) + tail;
}

/* The lane sums of the 4 x 4 vectors v into sums[0..16), row by row: pairs of vectors are folded
 * until every group is one lane, 15 folds (two shuffles and an add each) where summing each
 * vector alone would take 16 * log2(VL). */
static inline __attribute__((always_inline)) void sn_sums16(vreal v[4][4], real sums[16])
{
    vreal level[8];  /* each fold halves the vectors in use and the width of their groups */
    for (int m = 0; m < 8; m++)
        level[m] = sn_fold(SN_VL, v[m / 2][m % 2 * 2], v[m / 2][m % 2 * 2 + 1]);
    int live = 8;
    for (int w = SN_VL / 2; w > 1; w /= 2, live /= 2)
        for (int m = 0; m < live / 2; m++)
            level[m] = sn_fold(w, level[2 * m], level[2 * m + 1]);
    memcpy(sums, level, sizeof(real) * 16);  /* 16 / VL vectors of VL sums each */
}

/* A vector of the count < VL values at p, then zeros; nothing past p + count is read. */
static inline vreal sn_load_first(const real *p, int count)
{
    vreal v = {0};
    for (int l = 0; l < count && l < SN_VL; l++)   /* l < SN_VL holds: said for the compiler */
        v[l] = p[l];
    return v;
}

/* acc[i][j] += av[i] * bv[j] for i < rows, j < cols */
static inline __attribute__((always_inline)) void sn_outer(int rows, int cols, vreal acc[4][4], const vreal *av,
                                                            const vreal *bv)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            acc[i][j] += av[i] * bv[j];
}

/* rows x cols dot products of rows of A with rows of B, k long: C[i, j] (+)= alpha A[i, :] . B[j, :].
 * Called with constant rows and cols (at most 4 each), so the accumulators stay in registers. */
static inline __attribute__((always_inline)) void sn_dots(int rows, int cols, int k, real alpha,
                                                           const real *restrict a, long lda, const real *restrict b,
                                                           long ldb, real *restrict c, long ldc, int accumulate)
{
    vreal acc[4][4], av[4], bv[4];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            acc[i][j] = (vreal){0};
    int p = 0;
    for (; p + SN_VL <= k; p += SN_VL) {
        for (int i = 0; i < rows; i++)
            av[i] = sn_vload(a + i * lda + p);
        for (int j = 0; j < cols; j++)
            bv[j] = sn_vload(b + j * ldb + p);
        sn_outer(rows, cols, acc, av, bv);
    }
    if (p < k && k >= SN_VL) {
        /* the last k - p values: load the VL values that end at k, and clear in A's vectors the
         * lanes before p, already counted (whole loads; filling lane by lane costs more) */
        vindex lane;
        for (int l = 0; l < SN_VL; l++)
            lane[l] = l;
        const vindex keep = lane >= SN_VL - (k - p);
        for (int i = 0; i < rows; i++) {
            const vindex bits = (vindex)sn_vload(a + i * lda + k - SN_VL);
            av[i] = (vreal)(bits & keep);
        }
        for (int j = 0; j < cols; j++)
            bv[j] = sn_vload(b + j * ldb + k - SN_VL);
        sn_outer(rows, cols, acc, av, bv);
    } else if (p < k) {  /* fewer than VL values in all: zero-filled vectors */
        for (int i = 0; i < rows; i++)
            av[i] = sn_load_first(a + i * lda, k);
        for (int j = 0; j < cols; j++)
            bv[j] = sn_load_first(b + j * ldb, k);
        sn_outer(rows, cols, acc, av, bv);
    }
    real sums[16];
    if (rows * cols == 16)
        sn_sums16(acc, sums);
    else
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                sums[i * cols + j] = sn_lanes_sum(acc[i][j]);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            c[i * ldc + j] = alpha * sums[i * cols + j] + (accumulate ? c[i * ldc + j] : 0);
}

/* C (m x n) (+)= alpha * A B^T for A (m x k) and B (n x k) whose rows are contiguous: every
 * entry is a dot product of two contiguous rows, so neither operand is packed. When B is
 * used transposed and A has few rows, packing B (a transpose) would cost more than the
 * multiply; this is that case: a dense layer's forward pass and a convolution's dW. */
static void sn_gemm_nt(int m, int n, int k, real alpha, const real *a, long lda, const real *b, long ldb,
                       real *c, long ldc, int accumulate)
{
    int i = 0;
    for (; i + 4 <= m; i += 4) {
        int j = 0;
        for (; j + 4 <= n; j += 4)
            sn_dots(4, 4, k, alpha, a + i * lda, lda, b + j * ldb, ldb, c + i * ldc + j, ldc, accumulate);
        for (; j < n; j++)
            sn_dots(4, 1, k, alpha, a + i * lda, lda, b + j * ldb, ldb, c + i * ldc + j, ldc, accumulate);
    }
    for (; i < m; i++) {
        int j = 0;
        for (; j + 4 <= n; j += 4)
            sn_dots(1, 4, k, alpha, a + i * lda, lda, b + j * ldb, ldb, c + i * ldc + j, ldc, accumulate);
        for (; j < n; j++)
            sn_dots(1, 1, k, alpha, a + i * lda, lda, b + j * ldb, ldb, c + i * ldc + j, ldc, accumulate);
    }
}

/* C (m x n) (+)= alpha * A B for A with at most SN_FEW_ROWS rows (a convolution's output channels)
 * and B's rows contiguous. Each value of B is then used only m times, and packing B (a copy of
 * all of it) would cost about as much as the multiply: the micro-kernel reads B's rows in place,
 * NR columns at a time, and only the last, partial, block of columns is packed (zero-padded).
 * The sums are cut into equal blocks of at most SN_KC, so that a panel of B stays in cache while
 * the row blocks of A use it. */
static void sn_gemm_few(int m, int n, int k, real alpha, const real *a, long ars, long acs, const real *b, long brs,
                        real *c, long ldc, int accumulate, real *restrict pack_a, real *restrict pack_b)
{
    const int blocks = (k + SN_KC - 1) / SN_KC, step = (k + blocks - 1) / blocks;
    for (int pc = 0; pc < k; pc += step) {
        const int kc = SN_MIN(step, k - pc);
        const int add = accumulate || pc > 0;
        const real *restrict bk = b + (long)pc * brs;
        sn_pack_a(m, kc, a + pc * acs, ars, acs, pack_a);
        int jr = 0;
        for (; jr + SN_NR <= n; jr += SN_NR)
            for (int ir = 0; ir < m; ir += SN_MR)
                sn_micro(kc, pack_a + (long)ir * kc, bk + jr, brs, c + (long)ir * ldc + jr, ldc,
                         SN_MIN(SN_MR, m - ir), SN_NR, alpha, add);
        if (jr < n) {
            sn_pack_b(kc, n - jr, bk + jr, brs, 1, pack_b);
            for (int ir = 0; ir < m; ir += SN_MR)
                if (n - jr <= SN_VL)  /* one vector of columns */
                    sn_micro_one(kc, pack_a + (long)ir * kc, pack_b, SN_NR, c + (long)ir * ldc + jr, ldc,
                                 SN_MIN(SN_MR, m - ir), n - jr, alpha, add);
                else
                    sn_micro(kc, pack_a + (long)ir * kc, pack_b, SN_NR, c + (long)ir * ldc + jr, ldc,
                             SN_MIN(SN_MR, m - ir), n - jr, alpha, add);
        }
    }
}

/* The size of the blocks that split count into as few blocks of at most limit as can be, all
 * alike but the last, rounded up to a multiple of unit (limit being a multiple of unit). */
static inline int sn_even_block(int count, int limit, int unit)
{
    const int blocks = (count + limit - 1) / limit;
    const int size = (count + blocks - 1) / blocks;
    return SN_MIN(limit, (size + unit - 1) / unit * unit);
}

/* The most bytes of a transposed B that sn_gemm_nt takes for many rows of A: half of this core's
 * L2 cache, as the C library reports it (sysconf), else half of 256 kB, the smallest L2 of
 * current x86 cores. The dot products read all of B again for every 4 rows of A, which is as
 * fast as a packed multiply while B stays in L2 and is spared packing it: a dense layer's
 * forward pass of 128 x 784 weights (401 kB) at batch 256, one thread, AMD EPYC (1 MB of L2),
 * 1,153-1,261 to 1,037-1,124 µs a step of the MLP. Asked only for such a multiply, where a
 * call of sysconf is nothing beside it. */
static long sn_nt_bytes(void)
{
    long l2 = 0;
#ifdef _SC_LEVEL2_CACHE_SIZE
    l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return (l2 > 0 ? l2 : 262144) / 2;
}

/* C (m x n, row stride ldc) = alpha * A B, plus C when accumulate; A is m x k, B is k x n.
 * pack_a holds SN_MC * SN_KC values and pack_b SN_KC * SN_NC. */
static void sn_gemm(int m, int n, int k, real alpha, const real *a, long ars, long acs, const real *b, long brs,
                    long bcs, real *c, long ldc, int accumulate, real *restrict pack_a, real *restrict pack_b)
{
    if (acs == 1 && brs == 1 && bcs != 1
        && (m < SN_NT_ROWS || (long)n * k * (long)sizeof(real) <= sn_nt_bytes())) {
        sn_gemm_nt(m, n, k, alpha, a, ars, b, bcs, c, ldc, accumulate);
        return;
    }
    if (m <= 2 || (k <= SN_THIN_K && bcs == 1)) {
        sn_gemm_thin(m, n, k, alpha, a, ars, acs, b, brs, bcs, c, ldc, accumulate);
        return;
    }
    if (bcs == 1 && m <= SN_FEW_ROWS) {
        sn_gemm_few(m, n, k, alpha, a, ars, acs, b, brs, c, ldc, accumulate, pack_a, pack_b);
        return;
    }
    /* Blocks of even sizes, each at most SN_NC, SN_KC, SN_MC (and whole panels): a last block
     * of a few sums or rows would cost a pass of loads and stores of C for little work (784
     * sums were blocks of 256, 256, 256 and 16; now 4 of 196). */
    const int n_step = sn_even_block(n, SN_NC, SN_NR), k_step = sn_even_block(k, SN_KC, 1);
    const int m_step = sn_even_block(m, SN_MC, SN_MR);
    for (int jc = 0; jc < n; jc += n_step) {
        const int nc = SN_MIN(n_step, n - jc);
        for (int pc = 0; pc < k; pc += k_step) {
            const int kc = SN_MIN(k_step, k - pc);
            const int add = accumulate || pc > 0;
            sn_pack_b(kc, nc, b + pc * brs + jc * bcs, brs, bcs, pack_b);
            for (int ic = 0; ic < m; ic += m_step) {
                const int mc = SN_MIN(m_step, m - ic);
                sn_pack_a(mc, kc, a + ic * ars + pc * acs, ars, acs, pack_a);
                for (int jr = 0; jr < nc; jr += SN_NR)
                    for (int ir = 0; ir < mc; ir += SN_MR)
                        sn_micro(kc, pack_a + (long)ir * kc, pack_b + (long)jr * kc, SN_NR,
                                 c + (long)(ic + ir) * ldc + jc + jr, ldc, SN_MIN(SN_MR, mc - ir), SN_MIN(SN_NR, nc - jr), alpha, add);
            }
        }
    }
}
/*
 * A step's checks and the dense layers' folded gradient descent, shape-generic like the
 * multiply: compiled into the runtime beside it (runtime.c.j2), and into an exported library.
 */

/* 1 if each of the n values at p is finite, else 0: x - x is 0 for a finite x and NaN for an
 * infinity or a NaN, which compares unequal to 0. One pass, a vector at a time, the lanes'
 * verdicts or-ed (no chain of dependent additions); with out, the values are copied there in
 * the same pass (a step kept for undoing copies its samples, which it checks too; a non-finite
 * value leaves out partly written, which the caller then does not use). Inlined where out is
 * known, so each use is one of the two loops. A step's weights are tested as they are written
 * (the dense layers' folded descent, the update): at batch 1 a pass of its own over them was a
 * fifth of the step. */
static inline __attribute__((always_inline, unused)) int sn_scan_finite(real *restrict out, const real *restrict p,
                                                                        long n)
{
    vindex bad = {0};
    long i = 0;
    for (; i + SN_VL <= n; i += SN_VL) {
        const vreal v = sn_vload(p + i);
        bad |= (vindex)(v - v != 0);
        if (out)
            sn_vstore(out + i, v);
    }
    int tail = 0;
    for (; i < n; i++) {
        tail |= p[i] - p[i] != 0;
        if (out)
            out[i] = p[i];
    }
    for (int l = 0; l < SN_VL; l++)
        tail |= bad[l] != 0;
    return !tail;
}

static inline __attribute__((unused)) int sn_all_finite(const real *restrict p, long n)
{
    return sn_scan_finite(NULL, p, n);
}

/* A dense layer's folded step for the few (at most 3) samples a multiply would make one at a
 * time (sn_gemm_thin): W[k, :] += (-lr · dy[n, k]) · x[n, :] for the rows k from o to o + rows
 * of W (in inputs wide; dy out wide) and each of the total samples. 1 if every value written is
 * finite, else 0, each tested in the last sample's pass where it is still in a register (at
 * batch 1 a pass over W of its own was a fifth of the step). One function for every dense
 * layer, its sizes as arguments. */
static __attribute__((unused)) int sn_descend_few(real *restrict W, const real *restrict dy, const real *restrict x,
                                                  int o, int rows, int in, int out, int total, real descent)
{
    int bad = 0;
    for (int k = o; k < o + rows; k++) {
        real *restrict row = W + (long)k * in;
        for (int n = 0; n < total - 1; n++) {
            const real weight = descent * dy[(long)n * out + k];
            const real *restrict xn = x + (long)n * in;
            for (int i = 0; i < in; i++)
                row[i] += weight * xn[i];
        }
        const real weight = descent * dy[(long)(total - 1) * out + k];
        const real *restrict xn = x + (long)(total - 1) * in;
        for (int i = 0; i < in; i++) {
            const real value = row[i] + weight * xn[i];
            row[i] = value;
            bad |= value - value != 0;   /* NaN for an infinity or a NaN (sn_all_finite) */
        }
    }
    return !bad;
}

/* A dense layer's folded step over its weights: W[o:o+rows, :] += descent · dy^T[o:o+rows, all
 * samples] · x[all samples, :], for W of in inputs and dy of out outputs a sample; with b (not
 * NULL), over its biases too: b[o:o+rows] += descent · (bias_scale · dy[n, o:o+rows]) for each
 * sample n in order (bias_scale is ∂y/∂b, a constant). 1 if every weight and bias written is
 * finite, else 0. (The biases' loop is here, not in each dense layer's C, where vectorized and
 * versioned for the layer's shapes it was a third of LeNet-5's backward part to compile.) Up
 * to 3 samples a sample at a time (sn_descend_few), which a multiply would do one at a time
 * too; from 64 samples on, in blocks of at most SN_FEW_ROWS rows, which the multiply makes with
 * x read in place (sn_gemm_few) where a larger block packs it first: MLP (128 rows of 784) at
 * batch 256 on one thread, 522 to 457 µs; at 16-32 samples packing gains, 35 to 38 µs without
 * it at 16. The rows are then checked while they are still in this thread's cache. */
static __attribute__((unused)) int sn_descend_rows(real *restrict W, const real *restrict dy,
                                                   const real *restrict x, int o, int rows, int in, int out,
                                                   int total, real descent, real *restrict b, real bias_scale,
                                                   real *restrict pack_a, real *restrict pack_b)
{
    int finite;
    if (total < 4) {
        finite = sn_descend_few(W, dy, x, o, rows, in, out, total, descent);
    } else {
        const int block = total >= 64 ? SN_FEW_ROWS : rows;
        for (int k = o; k < o + rows; k += block)
            sn_gemm(SN_MIN(block, o + rows - k), in, total, descent, dy + k, 1, out, x, in, 1, W + (long)k * in, in,
                    1, pack_a, pack_b);
        finite = sn_all_finite(W + (long)o * in, (long)rows * in);
    }
    if (b) {
        for (int n = 0; n < total; n++)
            for (int k = o; k < o + rows; k++)
                b[k] += descent * (bias_scale * dy[(long)n * out + k]);
        finite &= sn_all_finite(b + o, rows);
    }
    return finite;
}
#pragma GCC diagnostic pop

/* The matrix multiply above is shape-generic: symnet compiles it once for each compiler, flags
 * and dtype into a shared runtime (symnet.runtime) that this model links to, and the calls below
 * go to the runtime's copy, sn_gemm_float32. The copy above, never called here, is dropped by
 * the compiler, which then optimizes only this model's own code. */
void sn_gemm_float32(int m, int n, int k, real alpha, const real *a, long ars, long acs, const real *b, long brs, long bcs, real *c, long ldc, int accumulate, real *restrict pack_a, real *restrict pack_b);
#define sn_gemm sn_gemm_float32
/* The dense layers' folded step of gradient descent over their weights, as shape-generic, is in
 * the runtime too (descend.c.j2): six loops and the multiply's blocks in each dense layer were a
 * fifth of LeNet-5's compile. */
int sn_descend_rows_float32(real *restrict W, const real *restrict dy, const real *restrict x, int o, int rows, int in, int out, int total, real descent, real *restrict b, real bias_scale, real *restrict pack_a, real *restrict pack_b);
#define sn_descend_rows sn_descend_rows_float32
/* And the check of a step's samples, which each model inlined twice (its copy and its check
 * alone), vectorized: a fifth of the MLP's calls part to compile. */
int sn_scan_finite_float32(real *restrict out, const real *restrict p, long n);
#define sn_scan_finite sn_scan_finite_float32
#define sn_all_finite(p, n) sn_scan_finite_float32(NULL, p, n)

/* Compiled as three translation units at once (symnet.build), each part a unit of its own
 * (SN_PART): the backward part, backward_range (the layers' backward, the heaviest to
 * optimize); the forward part, forward_range with what the forward and the backward share (a
 * convolution's im2col, Winograd's drivers) and the loops over every parameter (the shares'
 * sums, the update); the calls part, the entry points and the parallel regions that call the
 * others, compiled lightly (symnet.compiler.CALLS_PART). A function one part defines is
 * declared in the others (parts.c.j2). Two cores take about half the three's sum: LeNet-5's
 * C in two parts (the backward's and everything else) took GCC 0.75-0.98 s, in these three
 * 0.65-0.76 s. Compiled whole (no SN_PART), this is one unit like any other. */
#ifdef SN_PART
#define SN_PARTED __attribute__((visibility("hidden")))
#else
#define SN_PARTED static
#endif
#define SN_BACKWARD_PART 1
#define SN_FORWARD_PART 2
#define SN_CALLS_PART 3


/* Layers whose statistics span the whole chunk (BatchNorm) wait at a barrier for every
 * thread's samples, then split their channels between the threads (sn_split): each channel is summed
 * by one thread over all samples in order, so the sums do not depend on the thread count. Dense
 * layers that fold a step of gradient descent into their backward wait there too, before each
 * share of the samples takes its rows of their weights.
 * Outside a parallel region (one thread) the barrier does nothing. */
static inline void sn_barrier(void)
{
#ifdef _OPENMP
    #pragma omp barrier
#endif
}

/* conv1: Conv2D(6, 5, padding=2), (1, 28, 28) -> (6, 28, 28) */
/*
 *   y[n, o, r, c] = b[o] + Σ_{i<1, u<5, v<5} (W[o, i, u, v]*x[n, i, r + u - 2, c + v - 2])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i, r + u - 2, c + v - 2] = W[o, i, u, v]
 *   ∂term/∂W[o, i, u, v] = x[n, i, r + u - 2, c + v - 2]
 *   ∂y/∂b[o] = 1
 *   x is 0 outside its 28x28 bounds (padding 2, 2)
 */
/* As matrices, 1 sample(s) at a time side by side: col[(i, u, v), (s, r, c)] = x[s, i, r + u - 2, c + v - 2]
 * (0 in the padding), then y = W col + b with W as a 6 x 25 matrix. */
#define CONV1_GROUP 1
/* One sample's input with 2 row(s) and 2 column(s) of zeros around each plane: 1 x 32 x 32.
 * Read from there, every kernel offset is in range, so the copies below need no bounds. */
static void conv1_pad(const real *restrict x, real *restrict padded)
{
    for (int i = 0; i < 1; i++) {
        real *restrict plane = padded + i * 1024;
        memset(plane, 0, sizeof(real) * 64);
        memset(plane + 960, 0, sizeof(real) * 64);
        for (int h = 0; h < 28; h++) {
            real *restrict row = plane + (h + 2) * 32;
            for (int w = 0; w < 2; w++)
                row[w] = row[30 + w] = 0;
            for (int w = 0; w < 28; w++)
                row[2 + w] = x[(i * 28 + h) * 28 + w];
        }
    }
}

/* One sample's columns into col, whose rows are ld long; padded is room for the padded input. */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
SN_PARTED void conv1_im2col(const real *restrict x, real *restrict col, int ld, real *restrict padded);
#else
SN_PARTED void conv1_im2col(const real *restrict x, real *restrict col, int ld, real *restrict padded)
{
    conv1_pad(x, padded);
    const real *restrict source = padded;
    for (int i = 0; i < 1; i++)
    for (int u = 0; u < 5; u++)
    for (int v = 0; v < 5; v++) {
        real *restrict row = col + (long)((i * 5 + u) * 5 + v) * ld;
        for (int r = 0; r < 28; r++) {
            const real *restrict in = source + (i * 32 + r + u) * 32 + v;
            /* a row of 28 values, copied in place: GCC vectorized and unrolled the loop over
             * them in each copy of this function, a sixth of LeNet-5's compile */
            memcpy(row + r * 28, in, sizeof(real) * 28);
        }
    }
}
#endif



static void conv1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    const real *restrict W = params + CONV1_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    real *restrict col = pack_b + SN_KC * SN_NC;                      /* 25 x (group x 784) */
    real *restrict padded = col + 25 * CONV1_GROUP * 784;  /* 1024 values */

    const real *restrict b = params + CONV1_BIAS;
    (void)index;
    for (int n0 = 0; n0 < count; n0 += CONV1_GROUP) {
        const int g = SN_MIN(CONV1_GROUP, count - n0), ld = g * 784;
        for (int s = 0; s < g; s++)
            conv1_im2col(x + (long)(n0 + s) * 784, col + s * 784, ld, padded);
        /* one sample at a time: the product is laid out as the output, so it goes straight there */
        real *restrict out = y + (long)n0 * 4704;
        /* y[6 x ld] = W[6 x 25] · col[25 x ld] */
        sn_gemm(6, ld, 25, 1, W, 25, 1, col, ld, 1, out, ld, 0, pack_a, pack_b);
        for (int o = 0; o < 6; o++)
            for (int p = 0; p < 784; p++)
                out[o * 784 + p] += b[o];
    }
}

/* dW += dy col^T   (∂term/∂W[o, i, u, v] = x[n, i, r + u - 2, c + v - 2])
 * db += Σ dy   (∂y/∂b[o] = 1)
 */
static void conv1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    const real *restrict W = params + CONV1_WEIGHT;
    real *restrict dW = grads + CONV1_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    real *restrict col = pack_b + SN_KC * SN_NC;                      /* 25 x (group x 784) */
    real *restrict padded = col + 25 * CONV1_GROUP * 784;  /* 1024 values */

    (void)y; (void)index; (void)W;
    (void)dx;
    for (int n0 = 0; n0 < count; n0 += CONV1_GROUP) {
        const int g = SN_MIN(CONV1_GROUP, count - n0), ld = g * 784;
        conv1_im2col(x + (long)n0 * 784, col, ld, padded);
        const real *restrict stage = dy + (long)n0 * 4704;  /* one sample's dy is laid out as the product */
        /* dW[6 x 25] += dy[6 x ld] · col^T[ld x 25] */
        sn_gemm(6, 25, ld, 1, stage, ld, 1, col, 1, ld, dW, 25, 1, pack_a, pack_b);
        real *restrict db = grads + CONV1_BIAS;
        for (int o = 0; o < 6; o++)
            db[o] += 1 * sn_sum(stage + (long)o * ld, ld);
    }
}

/* relu1: ReLU(), elementwise over (6, 28, 28) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)index; (void)scratch;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 4704; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y; (void)scratch;
    const real *restrict source = y;
    for (int e = 0; e < count * 4704; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*((y > 0) ? 1 : 0);
    }
}

/* maxpool1: MaxPool(2), (6, 28, 28) -> (6, 14, 14) */
/*
 *   y[n, c, r, q] = max_{u<2, v<2} x[n, c, 2*r + u, 2*q + v]
 *   ∂y/∂x[n, c, 2*r + u, 2*q + v] = [2*u + v = argmax[n, c, r, q]]
 *   argmax[n, c, r, q] = u*2 + v of the first largest value in the window
 */
static void maxpool1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)scratch;
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 6; c++)
    for (int r = 0; r < 14; r++)
        for (int q = 0; q < 14; q++) {
            /* windows at the far edge cover only the pixels inside */
            const int u1 = SN_MIN(2, 28 - 2 * r), v1 = SN_MIN(2, 28 - 2 * q);
            real best = -INFINITY;
            int32_t position = 0;
            for (int u = 0; u < u1; u++)
                for (int v = 0; v < v1; v++) {
                    const real value = x[4704*n + 784*c + 28*(2*r + u) + (2*q + v)];
                    if (value > best) {   /* the first largest wins, as in PyTorch */
                        best = value;
                        position = u * 2 + v;
                    }
                }
            y[1176*n + 196*c + 14*r + q] = best;
            index[1176*n + 196*c + 14*r + q] = position;
        }
}

static void maxpool1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)x; (void)y; (void)params; (void)grads; (void)scratch;
    /* The partial is 1 at the window's argmax and 0 elsewhere, so each output's gradient
     * goes to one input: u = argmax / 2, v = argmax % 2. */
    memset(dx, 0, sizeof(real) * (size_t)count * 4704);   /* the windows add into it */
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 6; c++)
    for (int r = 0; r < 14; r++)
        for (int q = 0; q < 14; q++) {
            const int position = index[1176*n + 196*c + 14*r + q], u = position / 2, v = position % 2;
            dx[4704*n + 784*c + 28*(2*r + u) + (2*q + v)] += dy[1176*n + 196*c + 14*r + q];
        }
}

/* conv2: Conv2D(16, 5), (6, 14, 14) -> (16, 10, 10) */
/*
 *   y[n, o, r, c] = b[o] + Σ_{i<6, u<5, v<5} (W[o, i, u, v]*x[n, i, r + u, c + v])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i, r + u, c + v] = W[o, i, u, v]
 *   ∂term/∂W[o, i, u, v] = x[n, i, r + u, c + v]
 *   ∂y/∂b[o] = 1
 */
/* As matrices, 6 sample(s) at a time side by side: col[(i, u, v), (s, r, c)] = x[s, i, r + u - 0, c + v - 0]
 * (0 in the padding), then y = W col + b with W as a 16 x 150 matrix. */
#define CONV2_GROUP 6
/* One sample's columns into col, whose rows are ld long. */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
SN_PARTED void conv2_im2col(const real *restrict x, real *restrict col, int ld, real *restrict padded);
#else
SN_PARTED void conv2_im2col(const real *restrict x, real *restrict col, int ld, real *restrict padded)
{
    const real *restrict source = x;
    (void)padded;
    for (int i = 0; i < 6; i++)
    for (int u = 0; u < 5; u++)
    for (int v = 0; v < 5; v++) {
        real *restrict row = col + (long)((i * 5 + u) * 5 + v) * ld;
        for (int r = 0; r < 10; r++) {
            const real *restrict in = source + (i * 14 + r + u) * 14 + v;
            /* a row of 10 values, copied in place: GCC vectorized and unrolled the loop over
             * them in each copy of this function, a sixth of LeNet-5's compile */
            memcpy(row + r * 10, in, sizeof(real) * 10);
        }
    }
}
#endif

/* The adjoint of im2col: each column entry adds back into the pixel it was copied from. */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
SN_PARTED void conv2_col2im(const real *restrict col, int ld, real *restrict dx, real *restrict padded);
#else
SN_PARTED void conv2_col2im(const real *restrict col, int ld, real *restrict dx, real *restrict padded)
{
    real *restrict target = dx;
    (void)padded;
    for (int i = 0; i < 6; i++)
    for (int u = 0; u < 5; u++)
    for (int v = 0; v < 5; v++) {
        const real *restrict row = col + (long)((i * 5 + u) * 5 + v) * ld;
        for (int r = 0; r < 10; r++) {
            real *restrict out = target + (i * 14 + r + u) * 14 + v;
            for (int c = 0; c < 10; c++)
                out[c] += row[r * 10 + c];
        }
    }
}
#endif


static void conv2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    const real *restrict W = params + CONV2_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    real *restrict col = pack_b + SN_KC * SN_NC;                      /* 150 x (group x 100) */
    real *restrict stage = col + 150 * CONV2_GROUP * 100;   /* 16 x (group x 100) */
    real *restrict padded = stage + 16 * CONV2_GROUP * 100;  /* 0 values */

    const real *restrict b = params + CONV2_BIAS;
    (void)index;
    for (int n0 = 0; n0 < count; n0 += CONV2_GROUP) {
        const int g = SN_MIN(CONV2_GROUP, count - n0), ld = g * 100;
        for (int s = 0; s < g; s++)
            conv2_im2col(x + (long)(n0 + s) * 1176, col + s * 100, ld, padded);
        /* stage[16 x ld] = W[16 x 150] · col[150 x ld] */
        sn_gemm(16, ld, 150, 1, W, 150, 1, col, ld, 1, stage, ld, 0, pack_a, pack_b);
        for (int s = 0; s < g; s++)
            for (int o = 0; o < 16; o++) {
                real *restrict out = y + (long)(n0 + s) * 1600 + o * 100;
                const real *restrict from = stage + (long)o * ld + s * 100;
                for (int p = 0; p < 100; p++)
                    out[p] = from[p] + b[o];
            }
    }
}

/* dW += dy col^T   (∂term/∂W[o, i, u, v] = x[n, i, r + u, c + v])
 * dx = col2im(W^T dy)   (∂term/∂x[...] = W[o, i, u, v])
 * db += Σ dy   (∂y/∂b[o] = 1)
 */
static void conv2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    const real *restrict W = params + CONV2_WEIGHT;
    real *restrict dW = grads + CONV2_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    real *restrict col = pack_b + SN_KC * SN_NC;                      /* 150 x (group x 100) */
    real *restrict stage = col + 150 * CONV2_GROUP * 100;   /* 16 x (group x 100) */
    real *restrict padded = stage + 16 * CONV2_GROUP * 100;  /* 0 values */

    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 1176);   /* col2im adds into it */
    for (int n0 = 0; n0 < count; n0 += CONV2_GROUP) {
        const int g = SN_MIN(CONV2_GROUP, count - n0), ld = g * 100;
        for (int s = 0; s < g; s++) {
            conv2_im2col(x + (long)(n0 + s) * 1176, col + s * 100, ld, padded);
            for (int o = 0; o < 16; o++)
                memcpy(stage + (long)o * ld + s * 100, dy + (long)(n0 + s) * 1600 + o * 100,
                       sizeof(real) * 100);
        }
        /* dW[16 x 150] += dy[16 x ld] · col^T[ld x 150] */
        sn_gemm(16, 150, ld, 1, stage, ld, 1, col, 1, ld, dW, 150, 1, pack_a, pack_b);
        real *restrict db = grads + CONV2_BIAS;
        for (int o = 0; o < 16; o++)
            db[o] += 1 * sn_sum(stage + (long)o * ld, ld);
        /* col[150 x ld] = W^T[150 x 16] · dy[16 x ld] */
        sn_gemm(150, ld, 16, 1, W, 1, 150, stage, ld, 1, col, ld, 0, pack_a, pack_b);
        for (int s = 0; s < g; s++)
            conv2_col2im(col + s * 100, ld, dx + (long)(n0 + s) * 1176, padded);
    }
}

/* relu2: ReLU(), elementwise over (16, 10, 10) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)index; (void)scratch;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 1600; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y; (void)scratch;
    const real *restrict source = y;
    for (int e = 0; e < count * 1600; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*((y > 0) ? 1 : 0);
    }
}

/* maxpool2: MaxPool(2), (16, 10, 10) -> (16, 5, 5) */
/*
 *   y[n, c, r, q] = max_{u<2, v<2} x[n, c, 2*r + u, 2*q + v]
 *   ∂y/∂x[n, c, 2*r + u, 2*q + v] = [2*u + v = argmax[n, c, r, q]]
 *   argmax[n, c, r, q] = u*2 + v of the first largest value in the window
 */
static void maxpool2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)scratch;
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 16; c++)
    for (int r = 0; r < 5; r++)
        for (int q = 0; q < 5; q++) {
            /* windows at the far edge cover only the pixels inside */
            const int u1 = SN_MIN(2, 10 - 2 * r), v1 = SN_MIN(2, 10 - 2 * q);
            real best = -INFINITY;
            int32_t position = 0;
            for (int u = 0; u < u1; u++)
                for (int v = 0; v < v1; v++) {
                    const real value = x[1600*n + 100*c + 10*(2*r + u) + (2*q + v)];
                    if (value > best) {   /* the first largest wins, as in PyTorch */
                        best = value;
                        position = u * 2 + v;
                    }
                }
            y[400*n + 25*c + 5*r + q] = best;
            index[400*n + 25*c + 5*r + q] = position;
        }
}

static void maxpool2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)x; (void)y; (void)params; (void)grads; (void)scratch;
    /* The partial is 1 at the window's argmax and 0 elsewhere, so each output's gradient
     * goes to one input: u = argmax / 2, v = argmax % 2. */
    memset(dx, 0, sizeof(real) * (size_t)count * 1600);   /* the windows add into it */
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 16; c++)
    for (int r = 0; r < 5; r++)
        for (int q = 0; q < 5; q++) {
            const int position = index[400*n + 25*c + 5*r + q], u = position / 2, v = position % 2;
            dx[1600*n + 100*c + 10*(2*r + u) + (2*q + v)] += dy[400*n + 25*c + 5*r + q];
        }
}

/* flatten1: Flatten(), (16, 5, 5) -> (400,): the same
 * values in the same (row-major) order, so both passes copy. */
/*
 *   y[n, 25*i0 + 5*i1 + i2] = x[n, i0, i1, i2]
 *   ∂y/∂x[n, i0, i1, i2] = 1
 */
static void flatten1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)index; (void)scratch;
    memcpy(y, x, sizeof(real) * (size_t)count * 400);
}

static void flatten1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)x; (void)y; (void)params; (void)grads; (void)index; (void)scratch;
    memcpy(dx, dy, sizeof(real) * (size_t)count * 400);
}

/* dense1: Dense(120), (400,) -> (120,) */
/*
 *   y[n, o] = b[o] + Σ_{i<400} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
/* As matrices, rows being samples: y = x W^T + b. */
static void dense1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    const real *restrict W = params + DENSE1_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    (void)index;
    /* y[count x 120] = x[count x 400] · W^T[400 x 120] */
    sn_gemm(count, 120, 400, 1, x, 400, 1, W, 1, 400, y, 120, 0, pack_a, pack_b);
    const real *restrict b = params + DENSE1_BIAS;
    for (int n = 0; n < count; n++)
        for (int o = 0; o < 120; o++)
            y[120*n + o] += b[o];
}

/* A step of plain gradient descent (p ← p - lr·g) over a minibatch of one chunk (sn_train
 * sets run->descent = -lr, else 0) is folded into the gradient's multiply: W += -lr · dy^T x
 * and b += -lr · Σ_n dy, one pass over W where dW's sum, the shares' sum and the update took
 * several; dW and db stay 0, and the update skips W and b. Share share of shares takes its
 * rows of W and b over every sample of the chunk (total), in sample order, called once
 * every share's dx has read W (see backward_range). Returns 1 if every value it wrote is
 * finite, else 0: the step's check of the weights (sn_step), made here where each share's
 * rows are in this thread's cache, and for up to 3 samples in the loop that writes them
 * (at batch 1 the check was a pass over W of its own, a fifth of the step). Not inlined
 * there: inlined, a folded step left the layers around it (a max pool's scatter) short of
 * registers. */
static __attribute__((noinline)) int dense1_descend(int share, int shares, int total, const real *restrict x,
        const real *restrict dy, real *restrict params, real *restrict scratch, real descent)
{
    real *restrict W = params + DENSE1_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    int o;
    const int rows = sn_split(120, share, shares, &o);
    if (rows == 0)
        return 1;
    /* W[o:o+rows, :] += -lr · dy^T[o:o+rows, all samples] · x[all samples, :]   (∂term/∂W[o, i] = x[n, i]) */
    /* b[o:o+rows] += -lr · Σ_n ∂y/∂b[o] · dy[n, o:o+rows]   (∂y/∂b[o] = 1) */
    return sn_descend_rows(W, dy, x, o, rows, 400, 120, total, descent, params + DENSE1_BIAS, 1,
                           pack_a, pack_b);
}

/* dW += dy^T x      (∂term/∂W[o, i] = x[n, i])
 * dx = dy W        (∂term/∂x[n, i] = W[o, i])
 * db += Σ_n dy      (∂y/∂b[o] = 1)
 */
static void dense1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch, const sn_run *run)
{
    const real *restrict W = params + DENSE1_WEIGHT;
    real *restrict dW = grads + DENSE1_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    (void)y; (void)index; (void)W;
    /* dx[count x 400] = dy[count x 120] · W[120 x 400] */
    sn_gemm(count, 400, 120, 1, dy, 120, 1, W, 400, 1, dx, 400, 0, pack_a, pack_b);
    if (run->descent != 0)   /* the step is folded: dense1_descend, after every share's dx */
        return;
    /* dW[120 x 400] += dy^T[120 x count] · x[count x 400] */
    sn_gemm(120, 400, count, 1, dy, 1, 120, x, 400, 1, dW, 400, 1, pack_a, pack_b);
    real *restrict db = grads + DENSE1_BIAS;
    for (int n = 0; n < count; n++)
        for (int o = 0; o < 120; o++)
            db[o] += 1 * dy[120*n + o];
}

/* relu3: ReLU(), elementwise over (120,) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu3_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)index; (void)scratch;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 120; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu3_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y; (void)scratch;
    const real *restrict source = y;
    for (int e = 0; e < count * 120; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*((y > 0) ? 1 : 0);
    }
}

/* dense2: Dense(84), (120,) -> (84,) */
/*
 *   y[n, o] = b[o] + Σ_{i<120} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
/* As matrices, rows being samples: y = x W^T + b. */
static void dense2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    const real *restrict W = params + DENSE2_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    (void)index;
    /* y[count x 84] = x[count x 120] · W^T[120 x 84] */
    sn_gemm(count, 84, 120, 1, x, 120, 1, W, 1, 120, y, 84, 0, pack_a, pack_b);
    const real *restrict b = params + DENSE2_BIAS;
    for (int n = 0; n < count; n++)
        for (int o = 0; o < 84; o++)
            y[84*n + o] += b[o];
}

/* A step of plain gradient descent (p ← p - lr·g) over a minibatch of one chunk (sn_train
 * sets run->descent = -lr, else 0) is folded into the gradient's multiply: W += -lr · dy^T x
 * and b += -lr · Σ_n dy, one pass over W where dW's sum, the shares' sum and the update took
 * several; dW and db stay 0, and the update skips W and b. Share share of shares takes its
 * rows of W and b over every sample of the chunk (total), in sample order, called once
 * every share's dx has read W (see backward_range). Returns 1 if every value it wrote is
 * finite, else 0: the step's check of the weights (sn_step), made here where each share's
 * rows are in this thread's cache, and for up to 3 samples in the loop that writes them
 * (at batch 1 the check was a pass over W of its own, a fifth of the step). Not inlined
 * there: inlined, a folded step left the layers around it (a max pool's scatter) short of
 * registers. */
static __attribute__((noinline)) int dense2_descend(int share, int shares, int total, const real *restrict x,
        const real *restrict dy, real *restrict params, real *restrict scratch, real descent)
{
    real *restrict W = params + DENSE2_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    int o;
    const int rows = sn_split(84, share, shares, &o);
    if (rows == 0)
        return 1;
    /* W[o:o+rows, :] += -lr · dy^T[o:o+rows, all samples] · x[all samples, :]   (∂term/∂W[o, i] = x[n, i]) */
    /* b[o:o+rows] += -lr · Σ_n ∂y/∂b[o] · dy[n, o:o+rows]   (∂y/∂b[o] = 1) */
    return sn_descend_rows(W, dy, x, o, rows, 120, 84, total, descent, params + DENSE2_BIAS, 1,
                           pack_a, pack_b);
}

/* dW += dy^T x      (∂term/∂W[o, i] = x[n, i])
 * dx = dy W        (∂term/∂x[n, i] = W[o, i])
 * db += Σ_n dy      (∂y/∂b[o] = 1)
 */
static void dense2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch, const sn_run *run)
{
    const real *restrict W = params + DENSE2_WEIGHT;
    real *restrict dW = grads + DENSE2_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    (void)y; (void)index; (void)W;
    /* dx[count x 120] = dy[count x 84] · W[84 x 120] */
    sn_gemm(count, 120, 84, 1, dy, 84, 1, W, 120, 1, dx, 120, 0, pack_a, pack_b);
    if (run->descent != 0)   /* the step is folded: dense2_descend, after every share's dx */
        return;
    /* dW[84 x 120] += dy^T[84 x count] · x[count x 120] */
    sn_gemm(84, 120, count, 1, dy, 1, 84, x, 120, 1, dW, 120, 1, pack_a, pack_b);
    real *restrict db = grads + DENSE2_BIAS;
    for (int n = 0; n < count; n++)
        for (int o = 0; o < 84; o++)
            db[o] += 1 * dy[84*n + o];
}

/* relu4: ReLU(), elementwise over (84,) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu4_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    (void)params; (void)index; (void)scratch;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 84; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu4_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y; (void)scratch;
    const real *restrict source = y;
    for (int e = 0; e < count * 84; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*((y > 0) ? 1 : 0);
    }
}

/* dense3: Dense(10), (84,) -> (10,) */
/*
 *   y[n, o] = b[o] + Σ_{i<84} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
/* As matrices, rows being samples: y = x W^T + b. */
static void dense3_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index,
    real *restrict scratch)
{
    const real *restrict W = params + DENSE3_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    (void)index;
    /* y[count x 10] = x[count x 84] · W^T[84 x 10] */
    sn_gemm(count, 10, 84, 1, x, 84, 1, W, 1, 84, y, 10, 0, pack_a, pack_b);
    const real *restrict b = params + DENSE3_BIAS;
    for (int n = 0; n < count; n++)
        for (int o = 0; o < 10; o++)
            y[10*n + o] += b[o];
}

/* A step of plain gradient descent (p ← p - lr·g) over a minibatch of one chunk (sn_train
 * sets run->descent = -lr, else 0) is folded into the gradient's multiply: W += -lr · dy^T x
 * and b += -lr · Σ_n dy, one pass over W where dW's sum, the shares' sum and the update took
 * several; dW and db stay 0, and the update skips W and b. Share share of shares takes its
 * rows of W and b over every sample of the chunk (total), in sample order, called once
 * every share's dx has read W (see backward_range). Returns 1 if every value it wrote is
 * finite, else 0: the step's check of the weights (sn_step), made here where each share's
 * rows are in this thread's cache, and for up to 3 samples in the loop that writes them
 * (at batch 1 the check was a pass over W of its own, a fifth of the step). Not inlined
 * there: inlined, a folded step left the layers around it (a max pool's scatter) short of
 * registers. */
static __attribute__((noinline)) int dense3_descend(int share, int shares, int total, const real *restrict x,
        const real *restrict dy, real *restrict params, real *restrict scratch, real descent)
{
    real *restrict W = params + DENSE3_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    int o;
    const int rows = sn_split(10, share, shares, &o);
    if (rows == 0)
        return 1;
    /* W[o:o+rows, :] += -lr · dy^T[o:o+rows, all samples] · x[all samples, :]   (∂term/∂W[o, i] = x[n, i]) */
    /* b[o:o+rows] += -lr · Σ_n ∂y/∂b[o] · dy[n, o:o+rows]   (∂y/∂b[o] = 1) */
    return sn_descend_rows(W, dy, x, o, rows, 84, 10, total, descent, params + DENSE3_BIAS, 1,
                           pack_a, pack_b);
}

/* dW += dy^T x      (∂term/∂W[o, i] = x[n, i])
 * dx = dy W        (∂term/∂x[n, i] = W[o, i])
 * db += Σ_n dy      (∂y/∂b[o] = 1)
 */
static void dense3_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx, 
    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch, const sn_run *run)
{
    const real *restrict W = params + DENSE3_WEIGHT;
    real *restrict dW = grads + DENSE3_WEIGHT;
    real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;
    (void)y; (void)index; (void)W;
    /* dx[count x 84] = dy[count x 10] · W[10 x 84] */
    sn_gemm(count, 84, 10, 1, dy, 10, 1, W, 84, 1, dx, 84, 0, pack_a, pack_b);
    if (run->descent != 0)   /* the step is folded: dense3_descend, after every share's dx */
        return;
    /* dW[10 x 84] += dy^T[10 x count] · x[count x 84] */
    sn_gemm(10, 84, count, 1, dy, 1, 10, x, 84, 1, dW, 84, 1, pack_a, pack_b);
    real *restrict db = grads + DENSE3_BIAS;
    for (int n = 0; n < count; n++)
        for (int o = 0; o < 10; o++)
            db[o] += 1 * dy[10*n + o];
}

/* loss: SoftmaxCrossEntropy() of 10 class scores per sample */
/*
 *   L = Σ_{n<N} (log(Σ_{j<10} exp(z[n, j])) - z[n, t[n]])/N
 *   ∂L/∂z[n, k] = (-[k = t[n]] + p[n, k])/N
 *   p[n, k] = exp(z[n, k]) / Σ_j exp(z[n, j]), the softmax; t[n] is sample n's class
 */
static double loss_value(int count, int total, const real *restrict zs, const int32_t *restrict labels)
{
    double sum = 0.0;
    for (int n = 0; n < count; n++) {
        const real *z = zs + n * 10;
        double top = z[0], s = 0.0;
        for (int k = 1; k < 10; k++)
            top = z[k] > top ? z[k] : top;
        for (int k = 0; k < 10; k++)
            s += exp(z[k] - top);
        sum += log(s) + top - z[labels[n]];   /* log Σ exp z - z[t], shifted by the max for range */
    }
    return sum / total;
}

static void loss_backward(int count, int total_count, const real *restrict zs, const int32_t *restrict labels,
                          real *restrict dzs)
{
    const double total = (double)total_count;
    for (int n = 0; n < count; n++) {
        const real *z = zs + n * 10;
        real *dz = dzs + n * 10;
        const int label = labels[n];
        double top = z[0], s = 0.0;
        for (int k = 1; k < 10; k++)
            top = z[k] > top ? z[k] : top;
        for (int k = 0; k < 10; k++)
            s += exp(z[k] - top);
        for (int k = 0; k < 10; k++) {
            /* the softmax, kept in double: at the label p - 1 cancels, and a p of 1 - 4e-7
               rounded to float would leave that difference with a 2% error */
            const double p = exp(z[k] - top) / s;
            dz[k] = (-(k == label) + p)/total;
        }
    }
}


/* The layout above, for the Python side to read (symnet.layout.Layout.read). */
#if !defined(SN_PART) || SN_PART == SN_CALLS_PART
const long sn_layout[51] = {61706, 2181648, 100864, 1920256, 261392, 0, 150, 156, 2556, 2572, 50572, 50692, 60772, 60856, 61696, 0, 301056, -1, 602112, 903168, -1, 1204224, 1279488, 0, 1354752, 1457152, -1, 1559552, 1661952, -1, 1764352, 1789952, 75264, 1815552, 1841152, -1, 1866752, 1874432, -1, 1882112, 1889792, -1, 1897472, 1902848, -1, 1908224, 1913600, -1, 1918976, 1919616, -1};
#endif

#ifdef _OPENMP
#include <omp.h>
#endif
/* Each share's scratch room: the first begins at SN_SCRATCH_AT in work, the next SN_SCRATCH later. */
#define SN_SCRATCH_AT 1920256
#define SN_SCRATCH 261392
/* A share has at least this many samples: fewer would cost more than they save. */
#define SN_MIN_SHARE 2

/*
 * Threads. A call splits its count samples into shares, one per thread the net was given
 * (fewer if a share would have less than SN_MIN_SHARE samples), and each share's work and
 * its sum into the gradients is one and the same computation whichever thread runs it and
 * however many run: the results depend on the number of shares, never on the threads that
 * ran them. So a call may run its shares on all threads or one after another on the
 * calling thread, and it takes the faster way. On a busy machine the threads of a parallel
 * region wait for one another while the system runs other processes on their cores, and a
 * parallel call can be several times slower than a serial one; on an idle machine it is
 * nearly as many times faster. So the calls are timed (seconds per sample), the way in use
 * keeps a moving mean, and the other way is tried again after an interval: SN_PROBE_FIRST
 * calls after a switch, else (r - 1) / SN_PROBE_COST calls when the try was r times slower,
 * which holds what the tries cost near SN_PROBE_COST of the time, within
 * [SN_PROBE_FIRST, SN_PROBE_LAST] calls.
 */
#define SN_PROBE_FIRST 4
#define SN_PROBE_LAST 1024
#define SN_PROBE_COST 0.02
enum { SN_ALL_THREADS = 0, SN_ONE_THREAD = 1 };

typedef struct {
    double per_sample[2];  /* seconds per sample on all threads [0] and on one [1]: moving mean, or the last try */
    long calls[2];         /* calls run each way */
    long probe_at;         /* when the calls of both ways reach this, the way not in use is tried (0: not yet set) */
    int way;               /* the way in use */
    int pinned;            /* 0: choose; 1: always all threads; 2: always one thread */
} sn_pace;

/* Pacing for the three kinds of call: forward passes, backward passes, and training steps
 * (forward and backward of a chunk in one parallel region, sn_step_chunk). A zeroed struct
 * starts on all threads and chooses. */
typedef struct {
    sn_pace forward, backward, step;
} sn_pacing;

static inline double sn_now(void)
{
#ifdef _OPENMP
    return omp_get_wtime();
#else
    return 0.0;
#endif
}

/* The way the next call of shares shares runs. */
static int sn_pace_way(const sn_pace *pace, int shares)
{
    if (shares == 1)
        return SN_ONE_THREAD;
    if (pace->pinned)
        return pace->pinned == 1 ? SN_ALL_THREADS : SN_ONE_THREAD;
    return pace->probe_at > 0 && pace->calls[0] + pace->calls[1] >= pace->probe_at ? !pace->way : pace->way;
}

/* Records a call of count samples in shares shares that ran way in seconds, and chooses the
 * way of the calls after it. */
static void sn_pace_record(sn_pace *pace, int way, int shares, int count, double seconds)
{
    pace->calls[way]++;
    if (shares == 1 || pace->pinned || count < 1)
        return;
    const double rate = seconds / count;
    const long calls = pace->calls[0] + pace->calls[1];
    double *mean = &pace->per_sample[way];
    if (way == pace->way) {
        *mean = *mean > 0 ? *mean + (rate - *mean) / 4 : rate;
        if (pace->probe_at == 0)
            pace->probe_at = calls + SN_PROBE_FIRST;
        return;
    }
    /* a try of the other way, taken as it is: what it cost before says little about the machine now */
    *mean = rate;
    long interval = SN_PROBE_FIRST;
    if (rate < pace->per_sample[pace->way])
        pace->way = way;
    else if (rate > pace->per_sample[pace->way] * (1 + SN_PROBE_COST * SN_PROBE_FIRST))
        interval = (long)SN_MIN(SN_PROBE_LAST, (rate / pace->per_sample[pace->way] - 1) / SN_PROBE_COST);
    pace->probe_at = calls + interval;
}

/* The call's run as seen by samples from first on (Dropout keys its masks by the sample's index). */
static inline sn_run sn_run_at(const sn_run *whole, int first)
{
    sn_run run = *whole;
    run.first = first;
    return run;
}


/* Samples through every layer, for shares [from, to) of the chunk's count samples. The layers
 * that read only their own samples run share by share; those whose statistics span the chunk
 * (BatchNorm: barriers inside) run once over all of this thread's samples. */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
SN_PARTED void forward_range(int from, int to, int shares, int total, const real *restrict x,
        const real *restrict params, real *restrict work, int32_t *restrict index, const sn_run *whole);
#else
SN_PARTED void forward_range(int from, int to, int shares, int total, const real *restrict x,
        const real *restrict params, real *restrict work, int32_t *restrict index, const sn_run *whole)
{
    (void)whole; (void)total;
    for (int s = from; s < to; s++) {   /* share by share */
        int first;
        const int count = sn_split(total, s, shares, &first);
        real *restrict scratch = work + SN_SCRATCH_AT + (long)s * SN_SCRATCH;
        conv1_forward(count, x + (long)first * SN_INPUT,
            work + CONV1_Y + (long)first * 4704, params, index, scratch);
        relu1_forward(count, work + CONV1_Y + (long)first * 4704,
            work + RELU1_Y + (long)first * 4704, params, index, scratch);
        maxpool1_forward(count, work + RELU1_Y + (long)first * 4704,
            work + MAXPOOL1_Y + (long)first * 1176, params, index + MAXPOOL1_ARGMAX + (long)first * 1176, scratch);
        conv2_forward(count, work + MAXPOOL1_Y + (long)first * 1176,
            work + CONV2_Y + (long)first * 1600, params, index, scratch);
        relu2_forward(count, work + CONV2_Y + (long)first * 1600,
            work + RELU2_Y + (long)first * 1600, params, index, scratch);
        maxpool2_forward(count, work + RELU2_Y + (long)first * 1600,
            work + MAXPOOL2_Y + (long)first * 400, params, index + MAXPOOL2_ARGMAX + (long)first * 400, scratch);
        flatten1_forward(count, work + MAXPOOL2_Y + (long)first * 400,
            work + FLATTEN1_Y + (long)first * 400, params, index, scratch);
        dense1_forward(count, work + FLATTEN1_Y + (long)first * 400,
            work + DENSE1_Y + (long)first * 120, params, index, scratch);
        relu3_forward(count, work + DENSE1_Y + (long)first * 120,
            work + RELU3_Y + (long)first * 120, params, index, scratch);
        dense2_forward(count, work + RELU3_Y + (long)first * 120,
            work + DENSE2_Y + (long)first * 84, params, index, scratch);
        relu4_forward(count, work + DENSE2_Y + (long)first * 84,
            work + RELU4_Y + (long)first * 84, params, index, scratch);
        dense3_forward(count, work + RELU4_Y + (long)first * 84,
            work + DENSE3_Y + (long)first * 10, params, index, scratch);
    }
}
#endif

/* The loss of count samples, as their share of the mean over total samples. */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
double sn_loss(int count, int total, const real *restrict work, const int32_t *restrict targets);
#else
double sn_loss(int count, int total, const real *restrict work, const int32_t *restrict targets)
{
    return loss_value(count, total, work + DENSE3_Y, targets);
}
#endif

/* Backward from the loss, for shares [from, to): layers in reverse order, each sending d loss
 * / d its inputs back. Where several layers read a tensor, the first to run writes its gradient
 * and the others add to it (the multivariable chain rule); the input's gradient is not needed
 * (NULL). Share 0 adds its parameters' gradients to grads, share s > 0 to its slice of
 * thread_grads; a layer that spans the chunk adds to the slice of this thread's first share.
 * Returns 0 if a weight that a folded step of gradient descent wrote is NaN or infinite, else 1. */
#if defined(SN_PART) && SN_PART != SN_BACKWARD_PART   /* defined in part SN_BACKWARD_PART alone */
SN_PARTED int backward_range(int from, int to, int shares, int total, int mean_over, const real *restrict x,
        const int32_t *restrict targets, const real *restrict params, real *restrict work,
        const int32_t *restrict index, real *restrict all_grads, real *restrict thread_grads, const sn_run *whole);
#else
SN_PARTED int backward_range(int from, int to, int shares, int total, int mean_over, const real *restrict x,
        const int32_t *restrict targets, const real *restrict params, real *restrict work,
        const int32_t *restrict index, real *restrict all_grads, real *restrict thread_grads, const sn_run *whole)
{
    (void)x; (void)whole;
    int finite = 1;
    for (int s = from; s < to; s++) {   /* share by share */
        int first;
        const int count = sn_split(total, s, shares, &first);
        real *restrict scratch = work + SN_SCRATCH_AT + (long)s * SN_SCRATCH;
        real *restrict grads = s == 0 ? all_grads : thread_grads + (long)s * SN_PARAMS;
        const sn_run at_first = sn_run_at(whole, first), *run = &at_first;
        loss_backward(count, mean_over, work + DENSE3_Y + (long)first * 10,
                      targets + (long)first * 1, work + DENSE3_DY + (long)first * 10);
        dense3_backward(count, work + RELU4_Y + (long)first * 84,
            work + DENSE3_Y + (long)first * 10, work + DENSE3_DY + (long)first * 10,
            work + RELU4_DY + (long)first * 84, params, grads, index, scratch, run);
        relu4_backward(count, work + DENSE2_Y + (long)first * 84,
            work + RELU4_Y + (long)first * 84, work + RELU4_DY + (long)first * 84,
            work + DENSE2_DY + (long)first * 84, params, grads, index, scratch);
        dense2_backward(count, work + RELU3_Y + (long)first * 120,
            work + DENSE2_Y + (long)first * 84, work + DENSE2_DY + (long)first * 84,
            work + RELU3_DY + (long)first * 120, params, grads, index, scratch, run);
        relu3_backward(count, work + DENSE1_Y + (long)first * 120,
            work + RELU3_Y + (long)first * 120, work + RELU3_DY + (long)first * 120,
            work + DENSE1_DY + (long)first * 120, params, grads, index, scratch);
        dense1_backward(count, work + FLATTEN1_Y + (long)first * 400,
            work + DENSE1_Y + (long)first * 120, work + DENSE1_DY + (long)first * 120,
            work + FLATTEN1_DY + (long)first * 400, params, grads, index, scratch, run);
        flatten1_backward(count, work + MAXPOOL2_Y + (long)first * 400,
            work + FLATTEN1_Y + (long)first * 400, work + FLATTEN1_DY + (long)first * 400,
            work + MAXPOOL2_DY + (long)first * 400, params, grads, index, scratch);
        maxpool2_backward(count, work + RELU2_Y + (long)first * 1600,
            work + MAXPOOL2_Y + (long)first * 400, work + MAXPOOL2_DY + (long)first * 400,
            work + RELU2_DY + (long)first * 1600, params, grads, index + MAXPOOL2_ARGMAX + (long)first * 400, scratch);
        relu2_backward(count, work + CONV2_Y + (long)first * 1600,
            work + RELU2_Y + (long)first * 1600, work + RELU2_DY + (long)first * 1600,
            work + CONV2_DY + (long)first * 1600, params, grads, index, scratch);
        conv2_backward(count, work + MAXPOOL1_Y + (long)first * 1176,
            work + CONV2_Y + (long)first * 1600, work + CONV2_DY + (long)first * 1600,
            work + MAXPOOL1_DY + (long)first * 1176, params, grads, index, scratch);
        maxpool1_backward(count, work + RELU1_Y + (long)first * 4704,
            work + MAXPOOL1_Y + (long)first * 1176, work + MAXPOOL1_DY + (long)first * 1176,
            work + RELU1_DY + (long)first * 4704, params, grads, index + MAXPOOL1_ARGMAX + (long)first * 1176, scratch);
        relu1_backward(count, work + CONV1_Y + (long)first * 4704,
            work + RELU1_Y + (long)first * 4704, work + RELU1_DY + (long)first * 4704,
            work + CONV1_DY + (long)first * 4704, params, grads, index, scratch);
        conv1_backward(count, x + (long)first * SN_INPUT,
            work + CONV1_Y + (long)first * 4704, work + CONV1_DY + (long)first * 4704,
            NULL, params, grads, index, scratch);
    }
    /* A step of plain gradient descent, folded into the dense layers (see their _descend):
     * once every share's dx has read their weights, each of this thread's shares takes its
     * rows of each weight and bias over every sample of the chunk. The rows of a share are
     * the same whichever thread runs it, so the step does not depend on the threads. */
    if (whole->descent != 0) {
        if (whole->threads > 1)
            sn_barrier();
        for (int s = from; s < to; s++) {
            real *restrict scratch = work + SN_SCRATCH_AT + (long)s * SN_SCRATCH;
            finite &= dense1_descend(s, shares, total, work + FLATTEN1_Y, work + DENSE1_DY, (real *)params, scratch, whole->descent);
            finite &= dense2_descend(s, shares, total, work + RELU3_Y, work + DENSE2_DY, (real *)params, scratch, whole->descent);
            finite &= dense3_descend(s, shares, total, work + RELU4_Y, work + DENSE3_DY, (real *)params, scratch, whole->descent);
        }
    }
    return finite;
}
#endif
#if !defined(SN_PART) || SN_PART != SN_BACKWARD_PART
/* Clears slice of thread_grads over the parameters a pass covers: all of them, or in a step
 * whose layers fold the update (fused) only the others (SN_RANGES). */
static void sn_clear_share(real *restrict slice, int fused)
{
    (void)fused;   /* read only when some layer folds the update (SN_RANGES) */
    for (int r = 0; r < SN_RANGES(fused); r++)
        memset(slice + SN_RANGE_START(r, fused), 0,
               sizeof(real) * (size_t)(SN_RANGE_END(r, fused) - SN_RANGE_START(r, fused)));
}

/* Adds the slices of shares 1, 2, ... of thread_grads, in share order, into grads: part t of
 * used of each range of parameters the pass covers (see sn_clear_share). */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
SN_PARTED void sn_sum_shares(real *restrict grads, const real *restrict thread_grads, int shares, int t, int used,
        int fused);
#else
SN_PARTED void sn_sum_shares(real *restrict grads, const real *restrict thread_grads, int shares, int t, int used,
        int fused)
{
    (void)fused;
    for (int r = 0; r < SN_RANGES(fused); r++) {
        const long lo = SN_RANGE_START(r, fused);
        int start;
        const int length = sn_split((int)(SN_RANGE_END(r, fused) - lo), t, used, &start);
        for (int s = 1; s < shares; s++)
            for (long k = lo + start; k < lo + start + length; k++)
                grads[k] += thread_grads[(long)s * SN_PARAMS + k];
    }
}
#endif

/* The optimizer: SGD(with_momentum=False, nesterov=False).
 * For each parameter element p with gradient g, at step t (1 on its first step), with its
 * hyperparameters read at run time from hyper[] (lr, momentum, dampening, weight_decay):
 *   g ← g + p*weight_decay
 *   p ← -g*lr + p
 * Parts that depend only on the hyperparameters and t are computed once per step. */
#define SN_HYPER 4
#define SN_STATES 0

/* One update of every parameter (with fused, of those in sn_unfused); each gradient is set to 0 once used,
 * ready for the next step's sums (one pass over the gradients instead of two). Returns 1 if
 * every parameter it wrote is finite, else 0 (tested as it is written: the step's check of
 * the weights, see sn_step). */
#if defined(SN_PART) && SN_PART != SN_FORWARD_PART   /* defined in part SN_FORWARD_PART alone */
SN_PARTED int update(real *restrict params, real *restrict grads, real *restrict state,
        const double *restrict hyper, double t, int fused);
#else
SN_PARTED int update(real *restrict params, real *restrict grads, real *restrict state,
        const double *restrict hyper, double t, int fused)
{
    const double hd_lr = hyper[0];   /* lr */
    const real hr_weight_decay = (real)hyper[3];   /* weight_decay */
    const real k0 = (real)(-hd_lr);   /* -lr */
    (void)t;
    int bad = 0;
    (void)state;
    for (int r = 0; r < SN_RANGES(fused); r++)
    for (long k = SN_RANGE_START(r, fused); k < SN_RANGE_END(r, fused); k++) {
        const real p0 = params[k];
        const real g0 = grads[k];
        grads[k] = 0;
        const real g1 = g0 + hr_weight_decay*p0;   /* g ← g + p*weight_decay */
        const real p1 = g1*k0 + p0;   /* p ← -g*lr + p */
        params[k] = p1;
        bad |= p1 - p1 != 0;   /* NaN for an infinity or a NaN (sn_finite) */
    }
    return !bad;
}
#endif
#endif
#if !defined(SN_PART) || SN_PART == SN_CALLS_PART   /* the rest: the calls part */

/* The fewest samples of a minibatch gathered on more than one thread (sn_train_steps). */
#define SN_MIN_GATHER 32

/* How many shares a call of count samples splits into, on a net given threads threads. */
static inline int sn_shares(int count, int threads)
{
    return SN_MAX(1, SN_MIN(threads, count / SN_MIN_SHARE));
}

/* Forward: every layer's output, for count <= SN_BATCH samples split into shares for up to
 * threads threads (see Threads above; pacing NULL: always on all of them), in training mode or
 * not; the samples are the minibatch's from offset on, at optimizer step step. In training
 * mode every BatchNorm also updates its running statistics in buffers, as a PyTorch module's
 * forward does. */
void sn_forward(int count, const real *restrict x, const real *restrict params, real *restrict buffers,
                real *restrict work, int32_t *restrict index, int threads, sn_pacing *pacing,
                int training, long step, int offset)
{
    const int shares = sn_shares(count, threads);
    static const sn_pace all_threads = {.pinned = 1};
    const int way = sn_pace_way(pacing ? &pacing->forward : &all_threads, shares);
    const double started = sn_now();
    if (way == SN_ONE_THREAD) {  /* no parallel region: entering one costs microseconds, even for one thread */
        const sn_run run = {training, step, offset, 0, count, 0, 1, work, buffers, 0, 0};
        forward_range(0, shares, shares, count, x, params, work, index, &run);
    } else {
#ifdef _OPENMP
        #pragma omp parallel num_threads(shares)
#endif
        {
            int t = 0, used = 1, from;
#ifdef _OPENMP
            t = omp_get_thread_num();
            used = omp_get_num_threads();
#endif
            /* every thread has a share (used <= shares), so each reaches a layer's barriers */
            const int mine = sn_split(shares, t, used, &from);
            const sn_run run = {training, step, offset, 0, count, t, used, work, buffers, 0, 0};
            forward_range(from, from + mine, shares, count, x, params, work, index, &run);
        }
    }
    if (pacing)
        sn_pace_record(&pacing->forward, way, shares, count, sn_now() - started);
}

/* sn_all_finite for the Python side (net.step's general path, fit, the samples' checks). */
int sn_finite(const real *restrict p, long n)
{
    return sn_all_finite(p, n);
}

/* The n class labels at in, int64 (wide, as NumPy makes them) or int32, as int32 at out, for
 * sn_train: 1 if every one lies in [0, classes), else 0 (then out is not used: the caller
 * names the label). Read as unsigned, a negative label is larger than any class: one
 * comparison a label. */
static int sn_read_labels(const void *restrict in, int wide, int32_t *restrict out, long n, long classes)
{
    uint64_t largest = 0;
    for (long i = 0; i < n; i++) {
        const int64_t label = wide ? ((const int64_t *)in)[i] : ((const int32_t *)in)[i];
        largest = (uint64_t)label > largest ? (uint64_t)label : largest;
        out[i] = (int32_t)label;
    }
    return largest < (uint64_t)classes;
}

/* sn_read_labels for int64 labels, which step's general path converts. */
int sn_labels(const int64_t *restrict in, int32_t *restrict out, long n, long classes)
{
    return sn_read_labels(in, 1, out, n, classes);
}


/* A training step's forward, loss and backward over one chunk (count samples of a minibatch
 * of total), as sn_forward then sn_backward take them, in one parallel region where those
 * two opened one each: a thread runs the backward of the very shares it ran forward, so no
 * thread waits for another between the two (a layer whose statistics span the chunk still
 * waits at its own barriers). Entering a region wakes the threads (microseconds each time,
 * more when they have gone to sleep), and with the two regions a step also waited for every
 * thread at the end of the first. Inside, the threads wait for one another only where the
 * work needs it: before a folded step of gradient descent writes the weights that every
 * share's dx reads (backward_range), and before the shares' gradients are summed, when there
 * are any to sum. Adds the chunk's share of the minibatch's loss to *loss (computed after
 * the region, over all count samples in order, as sn_loss alone computes it). With loss NULL,
 * the backward alone, its forward already run (sn_backward). Paced by pace (NULL: always on
 * every thread).
 * With descent = -lr (not 0), a step of plain gradient descent: the dense layers update their
 * weights and biases themselves (sn_run.descent) and leave their gradients alone, so only the
 * other parameters' slices (sn_unfused) are cleared and added up.
 * Returns 0 if a weight that a folded step wrote is NaN or infinite, else 1. */
static int sn_step_chunk(int count, int total, const real *restrict x, const int32_t *restrict targets,
                         const real *restrict params, real *restrict buffers, real *restrict work,
                         int32_t *restrict index, real *restrict grads, real *restrict thread_grads, int threads,
                         sn_pace *pace, int training, long step, int offset, real descent, double *restrict loss)
{
    const int fused = descent != 0, forward = loss != NULL;
    const int shares = sn_shares(count, threads), by_rows = 0;
    static const sn_pace all_threads = {.pinned = 1};
    const int way = sn_pace_way(pace ? pace : &all_threads, shares);
    const double started = sn_now();
    int finite = 1;
    if (way == SN_ONE_THREAD) {
        const sn_run ahead = {training, step, offset, 0, count, 0, 1, work, buffers, 0, by_rows};
        const sn_run back = {training, step, offset, 0, count, 0, 1, work, NULL, descent, 0};
        if (forward)
            forward_range(0, shares, shares, count, x, params, work, index, &ahead);
        for (int s = 1; s < shares; s++)
            sn_clear_share(thread_grads + (long)s * SN_PARAMS, fused);
        finite = backward_range(0, shares, shares, count, total, x, targets, params, work, index, grads, thread_grads,
                                &back);
        sn_sum_shares(grads, thread_grads, shares, 0, 1, fused);
    } else {
#ifdef _OPENMP
        #pragma omp parallel num_threads(shares) reduction(&&: finite)
#endif
        {
            int t = 0, used = 1, from;
#ifdef _OPENMP
            t = omp_get_thread_num();
            used = omp_get_num_threads();
#endif
            /* every thread has a share (used <= shares), so each reaches every barrier */
            const int mine = sn_split(shares, t, used, &from);
            const sn_run ahead = {training, step, offset, 0, count, t, used, work, buffers, 0, by_rows};
            const sn_run back = {training, step, offset, 0, count, t, used, work, NULL, descent, 0};
            if (forward)
                forward_range(from, from + mine, shares, count, x, params, work, index, &ahead);
            for (int s = SN_MAX(from, 1); s < from + mine; s++)
                sn_clear_share(thread_grads + (long)s * SN_PARAMS, fused);
            finite = backward_range(from, from + mine, shares, count, total, x, targets, params, work, index, grads,
                                    thread_grads, &back);
            if (SN_RANGES(fused) > 0) {   /* with every parameter's step folded, nothing to sum */
#ifdef _OPENMP
                #pragma omp barrier   /* every share's gradients are in */
#endif
                sn_sum_shares(grads, thread_grads, shares, t, used, fused);
            }
        }
    }
    if (pace)
        sn_pace_record(pace, way, shares, count, sn_now() - started);
    if (loss)
        *loss += sn_loss(count, total, work, targets);
    return finite;
}

/* The gradients alone (net.gradients, the data-parallel step; an exported library trains
 * through sn_train only): adds d loss / d params for count samples (of a mean over total) to
 * grads, the samples split into shares as sn_forward splits them. Share 0 adds straight into
 * grads; each other share s into its own slice s of thread_grads (threads x SN_PARAMS). Then
 * the slices are added, in share order, into grads (each thread its part of the parameters):
 * the result does not depend on timing, nor on how many threads ran the shares. No step of
 * gradient descent is folded in (sn_run.descent 0). */
void sn_backward(int count, int total, const real *restrict x, const int32_t *restrict targets,
                 const real *restrict params, real *restrict work, const int32_t *restrict index,
                 real *restrict grads, real *restrict thread_grads, int threads, sn_pacing *pacing,
                 int training, long step, int offset)
{
    /* the forward is in work already; index is only read (cast for the call, which also writes it
     * when it runs the forward) */
    (void)sn_step_chunk(count, total, x, targets, params, NULL, work, (int32_t *)index, grads, thread_grads, threads,
                        pacing ? &pacing->backward : NULL, training, step, offset, 0, NULL);
}


/* The learning rate of each step, from the schedule's formula of t, the steps the net took
 * before this one (0 on its first), and lr, the base rate (the optimizer's lr, hyper[0]).
 * Computed in double, once per step.
 * Not inlined: sn_rates and sn_train run the same machine code, so the rates checked before
 * training are those it uses. */
#define SN_SCHEDULE 1

static __attribute__((noinline)) double schedule_rate(double t, double lr, const double *restrict schedule)
{
    (void)t;
    (void)schedule;
    /* lr(t) = lr */
    return lr;
}

/* The rates of count steps from step first (t = first, first + 1, ...) for the base rate lr:
 * what sn_train uses, so that a rate that is negative or not finite is refused before it trains. */
void sn_rates(long first, int count, double lr, const double *restrict schedule, double *restrict rates)
{
    for (int k = 0; k < count; k++)
        rates[k] = schedule_rate((double)(first + k), lr, schedule);
}

/* Training over count samples, in one call: minibatches of batch_size samples, taken
 * in the order order[0], order[1], ... (or 0, 1, ... when order is NULL), each through
 * forward, loss, backward and the optimizer's update, its loss written to losses[step].
 * A minibatch larger than SN_BATCH is walked in chunks whose gradients add up to the whole
 * minibatch's mean (the caller keeps a model whose layers couple the samples, BatchNorm, to
 * one chunk per minibatch in training mode, whose forward updates the running statistics
 * once a step). Ordered samples are gathered into staging_x and staging_targets
 * (SN_BATCH samples each). hyper holds the optimizer's SN_HYPER hyperparameters; step k
 * uses the learning rate schedule_rate(steps + k, hyper[0], schedule) in place of hyper[0],
 * schedule holding the schedule's SN_SCHEDULE numbers. steps is how many steps the net
 * took before this call, and optimizer_steps how many of them the optimizer's state has
 * seen (its t counts on from there); step k is the net's step steps + k (the schedule's t
 * and Dropout's key). training is the mode (BatchNorm, Dropout).
 * grads must be 0 on entry; each step clears them as it uses them, so they are 0 on return.
 * Returns 1 if every parameter is finite after the last step, else 0: each step writes every
 * parameter (the update, and with a folded step the dense layers' descent), testing each
 * value as it writes it, so no pass of its own over the weights is needed (sn_step). */
static __attribute__((noinline)) int sn_train_steps(int count, int batch_size, const int32_t *restrict order, const real *restrict x,
                          const int32_t *restrict targets, real *restrict params, real *restrict grads,
                          real *restrict state, real *restrict work, int32_t *restrict index,
                          real *restrict thread_grads, real *restrict staging_x,
                          int32_t *restrict staging_targets, const double *restrict hyper,
                          const double *restrict schedule, long steps, long optimizer_steps, int threads,
                          sn_pacing *pacing, double *restrict losses, real *restrict buffers, int training)
{
    int finite = 1;
    double step_hyper[SN_HYPER];
    memcpy(step_hyper, hyper, sizeof(step_hyper));
    for (int start = 0, step = 0; start < count; start += batch_size, step++) {
        const int size = SN_MIN(batch_size, count - start);
        double loss = 0.0;
        int written = 1;   /* every weight the step wrote is finite */
        step_hyper[0] = schedule_rate((double)(steps + step), hyper[0], schedule);
        /* Plain gradient descent (weight_decay 0) over a minibatch of one chunk: the
         * dense layers fold the update into their backward (sn_run.descent); a rate that is 0 in
         * real would leave their gradients in place. */
        const int fused = size <= SN_BATCH && (real)step_hyper[0] != 0 && step_hyper[3] == 0;
        for (int done = 0; done < size; done += SN_BATCH) {
            const int chunk = SN_MIN(SN_BATCH, size - done);
            const real *chunk_x = x + (long)(start + done) * SN_INPUT;
            const int32_t *chunk_targets = targets + (long)(start + done) * SN_TARGETS;
            if (order) {
                /* On the threads the step runs on when it runs on all of them, each its part of
                 * the rows: the samples come from memory, at once (MLP, fit on two threads, 8,192
                 * samples: batch 64 204-308 to 189-217 µs a step, 256 731-848 to 680-763 µs). */
                const int gatherers = threads > 1 && chunk >= SN_MIN_GATHER &&
                                      (!pacing || pacing->step.way == SN_ALL_THREADS) ? threads : 1;
                (void)gatherers;   /* without OpenMP */
#ifdef _OPENMP
                #pragma omp parallel for num_threads(gatherers) if (gatherers > 1) schedule(static)
#endif
                for (int n = 0; n < chunk; n++) {
                    const long sample = order[start + done + n];
                    memcpy(staging_x + (long)n * SN_INPUT, x + sample * SN_INPUT, sizeof(real) * SN_INPUT);
                    memcpy(staging_targets + (long)n * SN_TARGETS, targets + sample * SN_TARGETS,
                           sizeof(*targets) * SN_TARGETS);
                }
                chunk_x = staging_x;
                chunk_targets = staging_targets;
            }
            written &= sn_step_chunk(chunk, size, chunk_x, chunk_targets, params, buffers, work, index, grads, thread_grads,
                                     threads, pacing ? &pacing->step : NULL, training, steps + step, done,
                                     fused ? (real)(-step_hyper[0]) : 0, &loss);
        }
        written &= update(params, grads, state, step_hyper, (double)(optimizer_steps + step + 1), fused);
        losses[step] = loss;
        finite = written;
    }
    return finite;
}

/* sn_train_steps, its verdict left to the caller's own check (fit checks every parameter
 * once per call). */
void sn_train(int count, int batch_size, const int32_t *restrict order, const real *restrict x,
              const int32_t *restrict targets, real *restrict params, real *restrict grads,
              real *restrict state, real *restrict work, int32_t *restrict index, real *restrict thread_grads,
              real *restrict staging_x, int32_t *restrict staging_targets,
              const double *restrict hyper, const double *restrict schedule, long steps, long optimizer_steps,
              int threads, sn_pacing *pacing, double *restrict losses, real *restrict buffers, int training)
{
    (void)sn_train_steps(count, batch_size, order, x, targets, params, grads, state, work, index, thread_grads,
                         staging_x, staging_targets, hyper, schedule, steps, optimizer_steps, threads, pacing,
                         losses, buffers, training);
}

/* One update of the optimizer from the gradients already in grads, as step k of sn_train
 * takes it after its backward passes: the rate schedule_rate(steps, hyper[0], schedule) and
 * t = optimizer_steps + 1. It lets the gradients of a minibatch be formed elsewhere (the
 * data-parallel step of symnet.distributed sums every process's share of them first).
 * Clears grads, as sn_train's update does. */
void sn_update(real *restrict params, real *restrict grads, real *restrict state, const double *restrict hyper,
               const double *restrict schedule, long steps, long optimizer_steps)
{
    double step_hyper[SN_HYPER];
    memcpy(step_hyper, hyper, sizeof(step_hyper));
    step_hyper[0] = schedule_rate((double)steps, hyper[0], schedule);
    (void)update(params, grads, state, step_hyper, (double)(optimizer_steps + 1), 0);
}

/* What sn_train trains in, set once while a module is the active one (symnet.quick_step),
 * so that a step passes one pointer for all of them. */
typedef struct {
    real *params, *grads, *state, *work, *thread_grads, *staging_x, *buffers;
    int32_t *index, *staging_targets;
    sn_pacing *pacing;
    int threads;
} sn_net;

/* net.step on count samples at x and their class labels, in one call: at batch 1 the checks
 * and conversions made one at a time from Python took longer than the step. labels are
 * int64 (wide, as NumPy makes them) or int32. Returns
 *   1: a sample holds NaN or an infinity, or 2: a label lies outside [0, 10); nothing
 *      is changed (the caller names what is wrong);
 *   0: the step is taken, its loss at *loss, and every parameter is finite;
 *   3: the step is taken, and its loss or a parameter is NaN or infinite (the caller undoes it).
 * The labels are converted into keep_labels (count int32) and, when keep_x is not NULL, the
 * samples copied there: a step kept for undoing owns its inputs (the caller may change its
 * own arrays once the call returns). */
int sn_step(const sn_net *restrict net, int count, const real *restrict x, const void *restrict labels, int wide,
            real *restrict keep_x, int32_t *restrict keep_labels, const double *restrict hyper,
            const double *restrict schedule, long steps, long optimizer_steps, int training, double *restrict loss)
{
    if (!(keep_x ? sn_scan_finite(keep_x, x, (long)count * SN_INPUT) : sn_all_finite(x, (long)count * SN_INPUT)))
        return 1;
    if (!sn_read_labels(labels, wide, keep_labels, count, 10))
        return 2;
    if (keep_x)
        x = keep_x;
    const int finite = sn_train_steps(count, count, NULL, x, keep_labels, net->params, net->grads, net->state,
                                      net->work, net->index, net->thread_grads, net->staging_x,
                                      net->staging_targets, hyper, schedule, steps, optimizer_steps, net->threads,
                                      net->pacing, loss, net->buffers, training);
    return isfinite(*loss) && finite ? 0 : 3;
}
#endif   /* the calls part */
