/*
 * lenet: C emitted by symnet 0.1.0 for float32, compiled batch 64.
 *
 * Sequential(Input(1, 28, 28), Conv2D(6, 5, padding=2), ReLU(), MaxPool(2), Conv2D(16, 5), ReLU(), MaxPool(2), Flatten(), Dense(120), ReLU(), Dense(84), ReLU(), Dense(10), loss=SoftmaxCrossEntropy())
 *
 * Buffers, offsets in elements:
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
 *   work    1920256 values: each layer's output y, then d loss / d y, for 64 samples:
 *     conv1            y at        0, dy at   301056
 *     relu1            y at   602112, dy at   903168
 *     maxpool1         y at  1204224, dy at  1279488
 *     conv2            y at  1354752, dy at  1457152
 *     relu2            y at  1559552, dy at  1661952
 *     maxpool2         y at  1764352, dy at  1789952
 *     flatten1         y at  1815552, dy at  1841152
 *     dense1           y at  1866752, dy at  1874432
 *     relu3            y at  1882112, dy at  1889792
 *     dense2           y at  1897472, dy at  1902848
 *     relu4            y at  1908224, dy at  1913600
 *     dense3           y at  1918976, dy at  1919616
 *   index   100864 argmax positions of the max pools
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef float real;

#define SN_BATCH 64
#define SN_PARAMS 61706
#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* conv1: Conv2D(6, 5, padding=2), (1, 28, 28) -> (6, 28, 28) */
/*
 *   y[n, o, r, c] = b[o] + Σ_{i<1, u<5, v<5} (W[o, i, u, v]*x[n, i, r + u - 2, c + v - 2])
 *   ∂y/∂term = 1 for each term of the sum
 *   ∂term/∂x[n, i, r + u - 2, c + v - 2] = W[o, i, u, v]
 *   ∂term/∂W[o, i, u, v] = x[n, i, r + u - 2, c + v - 2]
 *   ∂y/∂b[o] = 1
 *   x is 0 outside its 28x28 bounds (padding 2, 2)
 */
static void conv1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 0;
    const real *restrict b = params + 150;
    (void)index;
    for (int n = 0; n < count; n++)
    for (int o = 0; o < 6; o++)
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++) {
            const int u0 = SN_MAX(0, 2 - r), u1 = SN_MIN(5, 30 - r);
            const int v0 = SN_MAX(0, 2 - c), v1 = SN_MIN(5, 30 - c);
            real acc = 0;
            for (int i = 0; i < 1; i++)
                for (int u = u0; u < u1; u++)
                    for (int v = v0; v < v1; v++)
                        acc += W[25*o + 25*i + 5*u + v]*x[784*n + 784*i + 28*(r + u - 2) + (c + v - 2)];
            y[4704*n + 784*o + 28*r + c] = acc + b[o];
        }
}

static void conv1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 0;
    real *restrict dW = grads + 0;
    real *restrict db = grads + 150;
    (void)y; (void)index; (void)W;
    (void)dx;
    for (int n = 0; n < count; n++)
    for (int o = 0; o < 6; o++)
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++) {
            const int u0 = SN_MAX(0, 2 - r), u1 = SN_MIN(5, 30 - r);
            const int v0 = SN_MAX(0, 2 - c), v1 = SN_MIN(5, 30 - c);
            const real g = dy[4704*n + 784*o + 28*r + c];
            db[o] += g * 1;
            for (int i = 0; i < 1; i++)
                for (int u = u0; u < u1; u++)
                    for (int v = v0; v < v1; v++) {
                        dW[25*o + 25*i + 5*u + v] += g * x[784*n + 784*i + 28*(r + u - 2) + (c + v - 2)];
                    }
        }
}

/* relu1: ReLU(), elementwise over (6, 28, 28) */
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
    for (int e = 0; e < count * 4704; e++) {
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
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params;
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
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)x; (void)y; (void)params; (void)grads;
    memset(dx, 0, sizeof(real) * (size_t)count * 4704);
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 6; c++)
    for (int r = 0; r < 14; r++)
        for (int q = 0; q < 14; q++) {
            const int u1 = SN_MIN(2, 28 - 2 * r), v1 = SN_MIN(2, 28 - 2 * q);
            const real g = dy[1176*n + 196*c + 14*r + q];
            for (int u = 0; u < u1; u++)
                for (int v = 0; v < v1; v++)
                    dx[4704*n + 784*c + 28*(2*r + u) + (2*q + v)] += g * (2*u + v == index[1176*n + 196*c + 14*r + q]);
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
static void conv2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 156;
    const real *restrict b = params + 2556;
    (void)index;
    for (int n = 0; n < count; n++)
    for (int o = 0; o < 16; o++)
    for (int r = 0; r < 10; r++)
        for (int c = 0; c < 10; c++) {
            const int u0 = 0, u1 = 5;
            const int v0 = 0, v1 = 5;
            real acc = 0;
            for (int i = 0; i < 6; i++)
                for (int u = u0; u < u1; u++)
                    for (int v = v0; v < v1; v++)
                        acc += W[150*o + 25*i + 5*u + v]*x[1176*n + 196*i + 14*(r + u) + (c + v)];
            y[1600*n + 100*o + 10*r + c] = acc + b[o];
        }
}

static void conv2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 156;
    real *restrict dW = grads + 156;
    real *restrict db = grads + 2556;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 1176);
    for (int n = 0; n < count; n++)
    for (int o = 0; o < 16; o++)
    for (int r = 0; r < 10; r++)
        for (int c = 0; c < 10; c++) {
            const int u0 = 0, u1 = 5;
            const int v0 = 0, v1 = 5;
            const real g = dy[1600*n + 100*o + 10*r + c];
            db[o] += g * 1;
            for (int i = 0; i < 6; i++)
                for (int u = u0; u < u1; u++)
                    for (int v = v0; v < v1; v++) {
                        dx[1176*n + 196*i + 14*(r + u) + (c + v)] += g * W[150*o + 25*i + 5*u + v];
                        dW[150*o + 25*i + 5*u + v] += g * x[1176*n + 196*i + 14*(r + u) + (c + v)];
                    }
        }
}

/* relu2: ReLU(), elementwise over (16, 10, 10) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 1600; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y;
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
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params;
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
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)x; (void)y; (void)params; (void)grads;
    memset(dx, 0, sizeof(real) * (size_t)count * 1600);
    for (int n = 0; n < count; n++)
    for (int c = 0; c < 16; c++)
    for (int r = 0; r < 5; r++)
        for (int q = 0; q < 5; q++) {
            const int u1 = SN_MIN(2, 10 - 2 * r), v1 = SN_MIN(2, 10 - 2 * q);
            const real g = dy[400*n + 25*c + 5*r + q];
            for (int u = 0; u < u1; u++)
                for (int v = 0; v < v1; v++)
                    dx[1600*n + 100*c + 10*(2*r + u) + (2*q + v)] += g * (2*u + v == index[400*n + 25*c + 5*r + q]);
        }
}

/* flatten1: Flatten(), (16, 5, 5) -> (400,): the same
 * values in the same (row-major) order, so both passes copy. */
/*
 *   y[n, 25*i0 + 5*i1 + i2] = x[n, i0, i1, i2]
 *   ∂y/∂x[n, i0, i1, i2] = 1
 */
static void flatten1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    memcpy(y, x, sizeof(real) * (size_t)count * 400);
}

static void flatten1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)x; (void)y; (void)params; (void)grads; (void)index;
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
static void dense1_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 2572;
    const real *restrict b = params + 50572;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 120; o++) {
            real acc = 0;
            for (int i = 0; i < 400; i++)
                acc += W[400*o + i]*x[400*n + i];
            y[120*n + o] = acc + b[o];
        }
    }
}

static void dense1_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 2572;
    real *restrict dW = grads + 2572;
    real *restrict db = grads + 50572;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 400);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 120; o++) {
            const real g = dy[120*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 400; i++) {
                dx[400*n + i] += g * W[400*o + i];
                dW[400*o + i] += g * x[400*n + i];
            }
        }
    }
}

/* relu3: ReLU(), elementwise over (120,) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu3_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 120; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu3_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y;
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
static void dense2_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 50692;
    const real *restrict b = params + 60772;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 84; o++) {
            real acc = 0;
            for (int i = 0; i < 120; i++)
                acc += W[120*o + i]*x[120*n + i];
            y[84*n + o] = acc + b[o];
        }
    }
}

static void dense2_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 50692;
    real *restrict dW = grads + 50692;
    real *restrict db = grads + 60772;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 120);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 84; o++) {
            const real g = dy[84*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 120; i++) {
                dx[120*n + i] += g * W[120*o + i];
                dW[120*o + i] += g * x[120*n + i];
            }
        }
    }
}

/* relu4: ReLU(), elementwise over (84,) */
/*
 *   y = (x if x > 0 else 0)
 *   ∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)
 */
static void relu4_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    (void)params; (void)index;
    const real *restrict in = x;
    real *restrict out = y;
    for (int e = 0; e < count * 84; e++) {
        const real x = in[e];
        out[e] = ((x > 0) ? x : 0);
    }
}

static void relu4_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    (void)params; (void)grads; (void)index; (void)x; (void)y;
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
static void dense3_forward(
    int count, const real *restrict x, real *restrict y, const real *restrict params, int32_t *restrict index)
{
    const real *restrict W = params + 60856;
    const real *restrict b = params + 61696;
    (void)index;
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 10; o++) {
            real acc = 0;
            for (int i = 0; i < 84; i++)
                acc += W[84*o + i]*x[84*n + i];
            y[10*n + o] = acc + b[o];
        }
    }
}

static void dense3_backward(
    int count, const real *restrict x, const real *restrict y, const real *restrict dy, real *restrict dx,
    const real *restrict params, real *restrict grads, const int32_t *restrict index)
{
    const real *restrict W = params + 60856;
    real *restrict dW = grads + 60856;
    real *restrict db = grads + 61696;
    (void)y; (void)index; (void)W;
    memset(dx, 0, sizeof(real) * (size_t)count * 84);
    for (int n = 0; n < count; n++) {
        for (int o = 0; o < 10; o++) {
            const real g = dy[10*n + o];
            db[o] += g * 1;
            for (int i = 0; i < 84; i++) {
                dx[84*n + i] += g * W[84*o + i];
                dW[84*o + i] += g * x[84*n + i];
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
    conv1_forward(count, x, work + 0, params, index + 0);
    relu1_forward(count, work + 0, work + 602112, params, index + 0);
    maxpool1_forward(count, work + 602112, work + 1204224, params, index + 0);
    conv2_forward(count, work + 1204224, work + 1354752, params, index + 0);
    relu2_forward(count, work + 1354752, work + 1559552, params, index + 0);
    maxpool2_forward(count, work + 1559552, work + 1764352, params, index + 75264);
    flatten1_forward(count, work + 1764352, work + 1815552, params, index + 0);
    dense1_forward(count, work + 1815552, work + 1866752, params, index + 0);
    relu3_forward(count, work + 1866752, work + 1882112, params, index + 0);
    dense2_forward(count, work + 1882112, work + 1897472, params, index + 0);
    relu4_forward(count, work + 1897472, work + 1908224, params, index + 0);
    dense3_forward(count, work + 1908224, work + 1918976, params, index + 0);
}

/* The loss of count samples, as their share of the mean over total samples. */
double sn_loss(int count, int total, const real *restrict work, const int32_t *restrict targets)
{
    return loss_value(count, total, work + 1918976, targets);
}

/* Backward: adds d loss / d params for count samples (of a mean over total) to grads. */
void sn_backward(int count, int total, const real *restrict x, const int32_t *restrict targets,
                 const real *restrict params, real *restrict work, const int32_t *restrict index,
                 real *restrict grads)
{
    loss_backward(count, total, work + 1918976, targets, work + 1919616);
    dense3_backward(count, work + 1908224, work + 1918976, work + 1919616, work + 1913600, params, grads, index + 0);
    relu4_backward(count, work + 1897472, work + 1908224, work + 1913600, work + 1902848, params, grads, index + 0);
    dense2_backward(count, work + 1882112, work + 1897472, work + 1902848, work + 1889792, params, grads, index + 0);
    relu3_backward(count, work + 1866752, work + 1882112, work + 1889792, work + 1874432, params, grads, index + 0);
    dense1_backward(count, work + 1815552, work + 1866752, work + 1874432, work + 1841152, params, grads, index + 0);
    flatten1_backward(count, work + 1764352, work + 1815552, work + 1841152, work + 1789952, params, grads, index + 0);
    maxpool2_backward(count, work + 1559552, work + 1764352, work + 1789952, work + 1661952, params, grads, index + 75264);
    relu2_backward(count, work + 1354752, work + 1559552, work + 1661952, work + 1457152, params, grads, index + 0);
    conv2_backward(count, work + 1204224, work + 1354752, work + 1457152, work + 1279488, params, grads, index + 0);
    maxpool1_backward(count, work + 602112, work + 1204224, work + 1279488, work + 903168, params, grads, index + 0);
    relu1_backward(count, work + 0, work + 602112, work + 903168, work + 301056, params, grads, index + 0);
    conv1_backward(count, x, work + 0, work + 301056, NULL, params, grads, index + 0);
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
