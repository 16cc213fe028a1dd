/*
 * sn_idx.h: reading IDX files (the format of MNIST), gzipped or not, with no library
 * beyond C's own: sn_idx.c holds a small inflate (RFC 1951) and gzip reader (RFC 1952).
 *
 * An IDX file is: two zero bytes, a type byte, the number of dimensions d, then d sizes
 * as big-endian 32-bit numbers, then the values, big-endian, in row-major order. Types:
 * 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 */
#ifndef SN_IDX_H
#define SN_IDX_H

#include <stddef.h>
#include <stdint.h>

#define SN_IDX_MAX_RANK 8
/* The most bytes a file may hold, before or after inflating it (2 GiB - 1). */
#define SN_IDX_MAX_BYTES ((size_t)0x7FFFFFFF)

typedef struct {
    int type;                          /* 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E */
    int rank;                          /* how many dimensions */
    uint32_t dims[SN_IDX_MAX_RANK];    /* their sizes */
    size_t count;                      /* values: the product of the sizes */
    unsigned char *bytes;              /* the whole (inflated) file */
    const unsigned char *data;         /* where the values begin */
} sn_idx;

/* Reads path into idx: 0, or -1 with a message in error (room bytes) naming the file and
 * what is wrong with it. A file is refused unless it is exactly what its header says. */
int sn_idx_read(const char *path, sn_idx *idx, char *error, size_t room);

/* Value k (k < idx->count) as a double. */
double sn_idx_value(const sn_idx *idx, size_t k);

/* Whether the values are integers (types 0x08 to 0x0C). */
int sn_idx_integral(const sn_idx *idx);

void sn_idx_free(sn_idx *idx);

/* Inflates a gzip file (one or more members) held in data: 0 with *out (malloc'ed, to be
 * freed, even when *out_size is 0) and *out_size, or -1 with a message in error. Checks
 * each member's CRC-32 and length. */
int sn_gunzip(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size, char *error,
              size_t room);

#endif
