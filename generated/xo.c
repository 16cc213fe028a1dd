/*
 * xo: C emitted by symnet 0.1.0 for float32, compiled batch 64.
 *
 * Sequential(Input(1, 9, 9), Conv2D(3, 3, bias=False, mean=True), ReLU(), MaxPool(2, ceil_mode=True), Flatten(), Dense(2), loss=SoftmaxCrossEntropy())
 *
 * Buffers, offsets in elements:
 *   params  125 values, each parameter in PyTorch's layout:
 *     conv1.weight     at       0  (3, 1, 3, 3)
 *     dense1.weight    at      27  (2, 48)
 *     dense1.bias      at     123  (2,)
 *   grads   d loss / d params, laid out as params
 *   work    50176 values: each layer's output y, then d loss / d y, for 64 samples:
 *     conv1            y at        0, dy at     9408
 *     relu1            y at    18816, dy at    28224
 *     maxpool1         y at    37632, dy at    40704
 *     flatten1         y at    43776, dy at    46848
 *     dense1           y at    49920, dy at    50048
 *   index   3072 argmax positions of the max pools
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef float real;

#define SN_BATCH 64
#define SN_PARAMS 125
#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* conv1: Conv2D(3, 3, bias=False, mean=True), (1, 9, 9) -> (3, 7, 7) */
/*
 *   y[n, o, r, c] = Σ_{i<1, u<3, v<3} (W[o, i, u, v]*x[n, i, r + u, c + v]/9)
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i, r + u, c + v] = W[o, i, u, v]/9
 *   ∂term/∂W[o, i, u, v] = x[n, i, r + u, c + v]/9
 */
static void conv1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 0;
    (void)index;
    for (int n = 0; n < count; n++)
    for (int o = 0; o < 3; o++)
    for (int r = 0; r < 7; r++)
        for (int c = 0; c < 7; c++) {
            const int u0 = 0, u1 = 3;
            const int v0 = 0, v1 = 3;
            real acc = 0;
            for (int i = 0; i < 1; i++)
                for (int u = u0; u < u1; u++)
                    for (int v = v0; v < v1; v++)
                        acc += (1.0F/9.0F)*W[9*o + 9*i + 3*u + v]*x[81*n + 81*i + 9*(r + u) + (c + v)];
            y[147*n + 49*o + 7*r + c] = acc;
        }
}

static void conv1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 0;
    real *restrict dW = grads + 0;
    (void)y; (void)index; (void)W;
    (void)dx;
    for (int n = 0; n < count; n++)
    for (int o = 0; o < 3; o++)
    for (int r = 0; r < 7; r++)
        for (int c = 0; c < 7; c++) {
            const int u0 = 0, u1 = 3;
            const int v0 = 0, v1 = 3;
            const real g = dy[147*n + 49*o + 7*r + c];
            for (int i = 0; i < 1; i++)
                for (int u = u0; u < u1; u++)
                    for (int v = v0; v < v1; v++) {
                        dW[9*o + 9*i + 3*u + v] += g * (1.0F/9.0F)*x[81*n + 81*i + 9*(r + u) + (c + v)];
                    }
        }
}

/* relu1: ReLU(), elementwise over (3, 7, 7) */
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
    for (int e = 0; e < count * 147; e++) {
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
    for (int e = 0; e < count * 147; e++) {
        const real g = dy[e];
        const real y = source[e];
        dx[e] = g*((y > 0) ? 1 : 0);
    }
}

/* maxpool1: MaxPool(2, ceil_mode=True), (3, 7, 7) -> (3, 4, 4) */
/*
 *   y[n, c, r, q] = max_{u<Min(2, 7 - 2*r), v<Min(2, 7 - 2*q)} x[n, c, 2*r + u, 2*q + v]
 *   ∂y/∂x[n, c, 2*r + u, 2*q + v] = [2*u + v = argmax[n, c, r, q]]
 *   argmax[n, c, r, q] = u*2 + v of the first largest value in the window
 */
static void maxpool1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params;
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 3; c++)
    for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++) {
            /* windows at the far edge cover only the pixels inside */
            const int u1 = SN_MIN(2, 7 - 2 * r), v1 = SN_MIN(2, 7 - 2 * q);
            real best = -INFINITY;
            int32_t position = 0;
            for (int u = 0; u < u1; u++)
                for (int v = 0; v < v1; v++) {
                    const real value = x[147*n + 49*c + 7*(2*r + u) + (2*q + v)];
                    if (value > best) {   /* the first largest wins, as in PyTorch */
                        best = value;
                        position = u * 2 + v;
                    }
                }
            y[48*n + 16*c + 4*r + q] = best;
            index[48*n + 16*c + 4*r + q] = position;
        }
}

static void maxpool1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)x; (void)y; (void)params; (void)grads;
    memset(dx, 0, sizeof(real) * (size_t)count * 147);
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 3; c++)
    for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++) {
            const int u1 = SN_MIN(2, 7 - 2 * r), v1 = SN_MIN(2, 7 - 2 * q);
            const real g = dy[48*n + 16*c + 4*r + q];
            for (int u = 0; u < u1; u++)
                for (int v = 0; v < v1; v++)
                    dx[147*n + 49*c + 7*(2*r + u) + (2*q + v)] += g * (2*u + v == index[48*n + 16*c + 4*r + q]);
        }
}

/* flatten1: Flatten(), (3, 4, 4) -> (48,): the same
 * values in the same (row-major) order, so both passes copy. */
/*
 *   y[n, 16*i0 + 4*i1 + i2] = x[n, i0, i1, i2]
 *   ∂y/∂x[n, i0, i1, i2] = 1
 */
static void flatten1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    memcpy(y, x, sizeof(real) * (size_t)count * 48);
}

static void flatten1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)x; (void)y; (void)params; (void)grads; (void)index;
    memcpy(dx, dy, sizeof(real) * (size_t)count * 48);
}

/* dense1: Dense(2), (48,) -> (2,) */
/*
 *   y[n, o] = b[o] + Σ_{i<48} (W[o, i]*x[n, i])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i] = W[o, i]
 *   ∂term/∂W[o, i] = x[n, i]
 *   ∂y/∂b[o] = 1
 */
static void dense1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 27;
    const real *restrict b = params + 123;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 2; o++) {
            real acc = 0;
            for (int i = 0; i < 48; i++)
                acc += W[48*o + i]*x[48*n + i];
            y[2*n + o] = acc + b[o];
        }
    }
}

static void dense1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 27;
    real *restrict dW = grads + 27;
    real *restrict db = grads + 123;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 48);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 2; o++) {
            const real g = dy[2*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 48; i++) {
                dx[48*n + i] += g * W[48*o + i];
                dW[48*o + i] += g * x[48*n + i];
            }
        }
    }
}

/* loss: SoftmaxCrossEntropy() of 2 class scores per sample */
/*
 *   L = Σ_{n<N} (log(Σ_{j<2} exp(z[n, j])) - z[n, t[n]])/N
 *   ∂L/∂z[n, k] = (-[k = t[n]] + p[n, k])/N
 *   p[n, k] = exp(z[n, k]) / Σ_j exp(z[n, j]), the softmax; t[n] is sample n's class
 */
static double loss_value(int count, int total, const real *restrict zs, const int32_t *restrict labels)
{
    double sum = 0.0;
    for (int n = 0; n < count; n++) {
        const real *z = zs + n * 2;
        double top = z[0], s = 0.0;
        for (int k = 1; k < 2; k++)
            top = z[k] > top ? z[k] : top;
        for (int k = 0; k < 2; k++)
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
        const real *z = zs + n * 2;
        real *dz = dzs + n * 2;
        const int label = labels[n];
        double top = z[0], s = 0.0;
        for (int k = 1; k < 2; k++)
            top = z[k] > top ? z[k] : top;
        for (int k = 0; k < 2; k++)
            s += exp(z[k] - top);
        for (int k = 0; k < 2; k++) {
            const real p = (real)(exp(z[k] - top) / s);   /* the softmax */
            dz[k] = (-(k == label) + p)/total;
        }
    }
}


/* Forward: every layer's output, for count <= SN_BATCH samples. */
void sn_forward(int count, const real *restrict x, const real *restrict params,
                real *restrict work, int32_t *restrict index)
{
    conv1_forward(count, x, work + 0, params, index + 0);
    relu1_forward(count, work + 0, work + 18816, params, index + 0);
    maxpool1_forward(count, work + 18816, work + 37632, params, index + 0);
    flatten1_forward(count, work + 37632, work + 43776, params, index + 0);
    dense1_forward(count, work + 43776, work + 49920, params, index + 0);
}

/* The loss of count samples, as their share of the mean over total samples. */
double sn_loss(int count, int total, const real *restrict work, const int32_t *restrict targets)
{
    return loss_value(count, total, work + 49920, targets);
}

/* Backward: adds d loss / d params for count samples (of a mean over total) to grads. */
void sn_backward(int count, int total, const real *restrict x, const int32_t *restrict targets,
                 const real *restrict params, real *restrict work, const int32_t *restrict index,
                 real *restrict grads)
{
    loss_backward(count, total, work + 49920, targets, work + 50048);
    dense1_backward(count, work + 43776, work + 49920, work + 50048, work + 46848, params, grads, index + 0);
    flatten1_backward(count, work + 37632, work + 43776, work + 46848, work + 40704, params, grads, index + 0);
    maxpool1_backward(count, work + 18816, work + 37632, work + 40704, work + 28224, params, grads, index + 0);
    relu1_backward(count, work + 0, work + 18816, work + 28224, work + 9408, params, grads, index + 0);
    conv1_backward(count, x, work + 0, work + 9408, NULL, params, grads, index + 0);
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
