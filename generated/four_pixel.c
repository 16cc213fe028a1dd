/*
 * four_pixel: C emitted by symnet 0.1.0 for float32, compiled batch 64.
 *
 * Sequential(Input(1, 2, 2), Flatten(), Dense(4), Tanh(), Dense(8), ReLU(), Dense(4), loss=SoftmaxCrossEntropy())
 *
 * Buffers, offsets in elements:
 *   params  96 values, each parameter in PyTorch's layout:
 *     dense1.weight    at       0  (4, 4)
 *     dense1.bias      at      16  (4,)
 *     dense2.weight    at      20  (8, 4)
 *     dense2.bias      at      52  (8,)
 *     dense3.weight    at      60  (4, 8)
 *     dense3.bias      at      92  (4,)
 *   grads   d loss / d params, laid out as params
 *   work    4096 values: each layer's output y, then d loss / d y, for 64 samples:
 *     flatten1         y at        0, dy at      256
 *     dense1           y at      512, dy at      768
 *     tanh1            y at     1024, dy at     1280
 *     dense2           y at     1536, dy at     2048
 *     relu1            y at     2560, dy at     3072
 *     dense3           y at     3584, dy at     3840
 *   index   0 argmax positions of the max pools
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef float real;

#define SN_BATCH 64
#define SN_PARAMS 96
#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* flatten1: Flatten(), (1, 2, 2) -> (4,): the same
 * values in the same (row-major) order, so both passes copy. */
/*
 *   y[n, 4*i0 + 2*i1 + i2] = x[n, i0, i1, i2]
 *   ∂y/∂x[n, i0, i1, i2] = 1
 */
static void flatten1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    memcpy(y, x, sizeof(real) * (size_t)count * 4);
}

static void flatten1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)x; (void)y; (void)params; (void)grads; (void)index;
    (void)count; (void)dy; (void)dx;
}

/* dense1: Dense(4), (4,) -> (4,) */
/*
 *   y[n, o] = b[o] + Σ_{i<4} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
static void dense1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 0;
    const real *restrict b = params + 16;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 4; o++) {
            real acc = 0;
            for (int i = 0; i < 4; i++)
                acc += W[4*o + i]*x[4*n + i];
            y[4*n + o] = acc + b[o];
        }
    }
}

static void dense1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 0;
    real *restrict dW = grads + 0;
    real *restrict db = grads + 16;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 4);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 4; o++) {
            const real g = dy[4*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 4; i++) {
                dx[4*n + i] += g * W[4*o + i];
                dW[4*o + i] += g * x[4*n + i];
            }
        }
    }
}

/* tanh1: Tanh(), elementwise over (4,) */
/*
 *   y = tanh(x)
 *   ∂y/∂x = 1 - y**2   (in terms of the output y)
 */
static void tanh1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 4; e++) {
        const real x = in[e];
        out[e] = tanhf(x);
    }
}

static void tanh1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y;
    const real *restrict source = y;
    for (int e = 0; e < count * 4; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*(1 - (y*y));
    }
}

/* dense2: Dense(8), (4,) -> (8,) */
/*
 *   y[n, o] = b[o] + Σ_{i<4} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
static void dense2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 20;
    const real *restrict b = params + 52;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 8; o++) {
            real acc = 0;
            for (int i = 0; i < 4; i++)
                acc += W[4*o + i]*x[4*n + i];
            y[8*n + o] = acc + b[o];
        }
    }
}

static void dense2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 20;
    real *restrict dW = grads + 20;
    real *restrict db = grads + 52;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 4);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 8; o++) {
            const real g = dy[8*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 4; i++) {
                dx[4*n + i] += g * W[4*o + i];
                dW[4*o + i] += g * x[4*n + i];
            }
        }
    }
}

/* relu1: ReLU(), elementwise over (8,) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 8; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y;
    const real *restrict source = y;
    for (int e = 0; e < count * 8; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*((y > 0) ? 1 : 0);
    }
}

/* dense3: Dense(4), (8,) -> (4,) */
/*
 *   y[n, o] = b[o] + Σ_{i<8} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
static void dense3_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 60;
    const real *restrict b = params + 92;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 4; o++) {
            real acc = 0;
            for (int i = 0; i < 8; i++)
                acc += W[8*o + i]*x[8*n + i];
            y[4*n + o] = acc + b[o];
        }
    }
}

static void dense3_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 60;
    real *restrict dW = grads + 60;
    real *restrict db = grads + 92;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 8);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 4; o++) {
            const real g = dy[4*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 8; i++) {
                dx[8*n + i] += g * W[8*o + i];
                dW[8*o + i] += g * x[8*n + i];
            }
        }
    }
}

/* loss: SoftmaxCrossEntropy() of 4 class scores per sample */
/*
 *   L = Σ_{n<N} (log(Σ_{j<4} exp(z[n, j])) - z[n, t[n]])/N
 *   ∂L/∂z[n, k] = (-[k = t[n]] + p[n, k])/N
 *   p[n, k] = exp(z[n, k]) / Σ_j exp(z[n, j]), the softmax; t[n] is sample n's class
 */
static double loss_value(int count, int total, const real *restrict zs, const int32_t *restrict labels)
{
    double sum = 0.0;
    for (int n = 0; n < count; n++) {
        const real *z = zs + n * 4;
        double top = z[0], s = 0.0;
        for (int k = 1; k < 4; k++)
            top = z[k] > top ? z[k] : top;
        for (int k = 0; k < 4; k++)
            s += exp(z[k] - top);
        sum += log(s) + top - z[labels[n]];   /* log Σ exp z - z[t], shifted by the max for range */
    }
    return sum / total;
}

static void loss_backward(int count, int total_count, const real *restrict zs, const int32_t *restrict labels,
                          real *restrict dzs)
{
    const real total = (real)total_count;
    for (int n = 0; n < count; n++) {
        const real *z = zs + n * 4;
        real *dz = dzs + n * 4;
        const int label = labels[n];
        double top = z[0], s = 0.0;
        for (int k = 1; k < 4; k++)
            top = z[k] > top ? z[k] : top;
        for (int k = 0; k < 4; k++)
            s += exp(z[k] - top);
        for (int k = 0; k < 4; k++) {
            const real p = (real)(exp(z[k] - top) / s);   /* the softmax */
            dz[k] = (-(k == label) + p)/total;
        }
    }
}


/* Forward: every layer's output, for count <= SN_BATCH samples. */
void sn_forward(int count, const real *restrict x, const real *restrict params,
                real *restrict work, int32_t *restrict index)
{
    flatten1_forward(count, x, work + 0, params, index + 0);
    dense1_forward(count, work + 0, work + 512, params, index + 0);
    tanh1_forward(count, work + 512, work + 1024, params, index + 0);
    dense2_forward(count, work + 1024, work + 1536, params, index + 0);
    relu1_forward(count, work + 1536, work + 2560, params, index + 0);
    dense3_forward(count, work + 2560, work + 3584, params, index + 0);
}

/* The loss of count samples, as their share of the mean over total samples. */
double sn_loss(int count, int total, const real *restrict work, const int32_t *restrict targets)
{
    return loss_value(count, total, work + 3584, targets);
}

/* Backward: adds d loss / d params for count samples (of a mean over total) to grads. */
void sn_backward(int count, int total, const real *restrict x, const int32_t *restrict targets,
                 const real *restrict params, real *restrict work, const int32_t *restrict index,
                 real *restrict grads)
{
    loss_backward(count, total, work + 3584, targets, work + 3840);
    dense3_backward(count, work + 2560, work + 3584, work + 3840, work + 3072, params, grads, index + 0);
    relu1_backward(count, work + 1536, work + 2560, work + 3072, work + 2048, params, grads, index + 0);
    dense2_backward(count, work + 1024, work + 1536, work + 2048, work + 1280, params, grads, index + 0);
    tanh1_backward(count, work + 512, work + 1024, work + 1280, work + 768, params, grads, index + 0);
    dense1_backward(count, work + 0, work + 512, work + 768, work + 256, params, grads, index + 0);
    flatten1_backward(count, x, work + 0, work + 256, NULL, params, grads, index + 0);
}

/* SGD as PyTorch's: g = grad + weight_decay * param; with momentum, v = momentum * v + g
 * and the step follows v; param -= lr * step. */
void sn_sgd(real *restrict params, const real *restrict grads, real *restrict velocity,
            double lr, double momentum, double weight_decay)
{
    for (int k = 0; k < SN_PARAMS; k++) {
        real g = grads[k] + (real)weight_decay * params[k];
        if (momentum != 0.0) {
            velocity[k] = (real)momentum * velocity[k] + g;
            g = velocity[k];
        }
        params[k] -= (real)lr * g;
    }
}
