/*
 * mlp: C emitted by symnet 0.1.0 for float32, compiled batch 64.
 *
 * Sequential(Input(784), Dense(128), Sigmoid(), Dense(10), loss=SoftmaxCrossEntropy())
 *
 * Buffers, offsets in elements:
 *   params  101770 values, each parameter in PyTorch's layout:
 *     dense1.weight    at       0  (128, 784)
 *     dense1.bias      at  100352  (128,)
 *     dense2.weight    at  100480  (10, 128)
 *     dense2.bias      at  101760  (10,)
 *   grads   d loss / d params, laid out as params
 *   work    34048 values: each layer's output y, then d loss / d y, for 64 samples:
 *     dense1           y at        0, dy at     8192
 *     sigmoid1         y at    16384, dy at    24576
 *     dense2           y at    32768, dy at    33408
 *   index   0 argmax positions of the max pools
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef float real;

#define SN_BATCH 64
#define SN_PARAMS 101770
#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* dense1: Dense(128), (784,) -> (128,) */
/*
 *   y[n, o] = b[o] + Σ_{i<784} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
static void dense1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 0;
    const real *restrict b = params + 100352;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 128; o++) {
            real acc = 0;
            for (int i = 0; i < 784; i++)
                acc += W[784*o + i]*x[784*n + i];
            y[128*n + o] = acc + b[o];
        }
    }
}

static void dense1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 0;
    real *restrict dW = grads + 0;
    real *restrict db = grads + 100352;
    (void)y; (void)index; (void)W;
    (void)dx;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 128; o++) {
            const real g = dy[128*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 784; i++) {
                dW[784*o + i] += g * x[784*n + i];
            }
        }
    }
}

/* sigmoid1: Sigmoid(), elementwise over (128,) */
/*
 *   y = 1/(1 + exp(-x))
 *   ∂y/∂x = y*(1 - y)   (in terms of the output y)
 */
static void sigmoid1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 128; e++) {
        const real x = in[e];
        out[e] = 1.0F/(1 + expf(-x));
    }
}

static void sigmoid1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y;
    const real *restrict source = y;
    for (int e = 0; e < count * 128; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*y*(1 - y);
    }
}

/* dense2: Dense(10), (128,) -> (10,) */
/*
 *   y[n, o] = b[o] + Σ_{i<128} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
static void dense2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 100480;
    const real *restrict b = params + 101760;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 10; o++) {
            real acc = 0;
            for (int i = 0; i < 128; i++)
                acc += W[128*o + i]*x[128*n + i];
            y[10*n + o] = acc + b[o];
        }
    }
}

static void dense2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 100480;
    real *restrict dW = grads + 100480;
    real *restrict db = grads + 101760;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 128);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 10; o++) {
            const real g = dy[10*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 128; i++) {
                dx[128*n + i] += g * W[128*o + i];
                dW[128*o + i] += g * x[128*n + i];
            }
        }
    }
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
    const real total = (real)total_count;
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
            const real p = (real)(exp(z[k] - top) / s);   /* the softmax */
            dz[k] = (-(k == label) + p)/total;
        }
    }
}


/* Forward: every layer's output, for count <= SN_BATCH samples. */
void sn_forward(int count, const real *restrict x, const real *restrict params,
                real *restrict work, int32_t *restrict index)
{
    dense1_forward(count, x, work + 0, params, index + 0);
    sigmoid1_forward(count, work + 0, work + 16384, params, index + 0);
    dense2_forward(count, work + 16384, work + 32768, params, index + 0);
}

/* The loss of count samples, as their share of the mean over total samples. */
double sn_loss(int count, int total, const real *restrict work, const int32_t *restrict targets)
{
    return loss_value(count, total, work + 32768, targets);
}

/* Backward: adds d loss / d params for count samples (of a mean over total) to grads. */
void sn_backward(int count, int total, const real *restrict x, const int32_t *restrict targets,
                 const real *restrict params, real *restrict work, const int32_t *restrict index,
                 real *restrict grads)
{
    loss_backward(count, total, work + 32768, targets, work + 33408);
    dense2_backward(count, work + 16384, work + 32768, work + 33408, work + 24576, params, grads, index + 0);
    sigmoid1_backward(count, work + 0, work + 16384, work + 24576, work + 8192, params, grads, index + 0);
    dense1_backward(count, x, work + 0, work + 8192, NULL, params, grads, index + 0);
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
