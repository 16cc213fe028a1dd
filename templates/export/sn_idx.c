/*
 * sn_idx.c: IDX files, gzipped or not (see sn_idx.h).
 *
 * The inflate follows RFC 1951 the plain way (as zlib's puff.c does): canonical Huffman
 * codes decoded a bit at a time, stored, fixed and dynamic blocks. Every read of input and
 * every copy is bounds-checked, so a damaged or hostile file is refused with a message,
 * never read or written past its end.
 */
#include "sn_idx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -- inflate (RFC 1951) ------------------------------------------------------------- */

#define MAX_BITS 15     /* the longest code */
#define MAX_LITERALS 286
#define MAX_DISTANCES 30
#define FIXED_LITERALS 288

typedef struct {
    const unsigned char *in;
    size_t in_size, in_at;
    uint32_t bits;          /* bits read but not used, the next one lowest */
    int bit_count;
    unsigned char *out;
    size_t out_size, out_room;
    const char *why;        /* set at the first error: what is wrong with the stream */
} inflater;

/* A canonical Huffman code: how many codes of each length, and the symbols in code order. */
typedef struct {
    short count[MAX_BITS + 1];
    short symbol[FIXED_LITERALS];
} huffman;

static int fail(inflater *s, const char *why)
{
    if (!s->why)
        s->why = why;
    return -1;
}

/* need bits (at most 16), lowest first; -1 past the end of the input. */
static int bits(inflater *s, int need)
{
    uint32_t value = s->bits;
    while (s->bit_count < need) {
        if (s->in_at == s->in_size)
            return fail(s, "the compressed data is cut short");
        value |= (uint32_t)s->in[s->in_at++] << s->bit_count;
        s->bit_count += 8;
    }
    s->bits = value >> need;
    s->bit_count -= need;
    return (int)(value & ((1u << need) - 1));
}

static int put(inflater *s, unsigned char byte)
{
    if (s->out_size == s->out_room) {
        if (s->out_room >= SN_IDX_MAX_BYTES)
            return fail(s, "it inflates to more than 2 GiB");
        size_t room = s->out_room ? 2 * s->out_room : 1 << 16;
        if (room > SN_IDX_MAX_BYTES)
            room = SN_IDX_MAX_BYTES;
        unsigned char *grown = realloc(s->out, room);
        if (!grown)
            return fail(s, "out of memory");
        s->out = grown;
        s->out_room = room;
    }
    s->out[s->out_size++] = byte;
    return 0;
}

/* A stored block: its length, the length's complement, then the bytes as they are. */
static int stored(inflater *s)
{
    s->bits = 0;   /* the rest of the current byte is padding */
    s->bit_count = 0;
    if (s->in_size - s->in_at < 4)
        return fail(s, "a stored block's length is cut short");
    const unsigned length = s->in[s->in_at] | (unsigned)s->in[s->in_at + 1] << 8;
    const unsigned check = s->in[s->in_at + 2] | (unsigned)s->in[s->in_at + 3] << 8;
    s->in_at += 4;
    if (length != (~check & 0xFFFFu))
        return fail(s, "a stored block's length does not match its complement");
    if (s->in_size - s->in_at < length)
        return fail(s, "a stored block is cut short");
    for (unsigned k = 0; k < length; k++)
        if (put(s, s->in[s->in_at + k]) < 0)
            return -1;
    s->in_at += length;
    return 0;
}

/* The code whose lengths are lengths[0..n): 0 if complete, > 0 if incomplete (codes left
 * over), < 0 if over-subscribed (more codes than lengths allow). */
static int build(huffman *h, const short *lengths, int n)
{
    short offsets[MAX_BITS + 1];
    memset(h->count, 0, sizeof(h->count));
    for (int symbol = 0; symbol < n; symbol++)
        h->count[lengths[symbol]]++;
    if (h->count[0] == n)
        return 0;   /* no codes at all: complete, and any use of it is an error */
    int left = 1;
    for (int length = 1; length <= MAX_BITS; length++) {
        left <<= 1;
        left -= h->count[length];
        if (left < 0)
            return left;
    }
    offsets[1] = 0;
    for (int length = 1; length < MAX_BITS; length++)
        offsets[length + 1] = (short)(offsets[length] + h->count[length]);
    for (int symbol = 0; symbol < n; symbol++)
        if (lengths[symbol] != 0)
            h->symbol[offsets[lengths[symbol]]++] = (short)symbol;
    return left;
}

/* The next symbol in code h, one bit at a time (codes are sent from their top bit down). */
static int decode(inflater *s, const huffman *h)
{
    int code = 0, first = 0, index = 0;
    for (int length = 1; length <= MAX_BITS; length++) {
        const int bit = bits(s, 1);
        if (bit < 0)
            return -1;
        code |= bit;
        const int count = h->count[length];
        if (code - count < first)
            return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    return fail(s, "a code that the block's Huffman table does not have");
}

/* Literals and (length, distance) pairs until the end-of-block symbol. */
static int codes(inflater *s, const huffman *literals, const huffman *distances)
{
    static const short length_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                          67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const short length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                           5, 5, 5, 5, 0};
    static const short distance_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                            513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const short distance_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                             10, 11, 11, 12, 12, 13, 13};
    for (;;) {
        int symbol = decode(s, literals);
        if (symbol < 0)
            return -1;
        if (symbol < 256) {
            if (put(s, (unsigned char)symbol) < 0)
                return -1;
            continue;
        }
        if (symbol == 256)
            return 0;
        symbol -= 257;
        if (symbol >= 29)
            return fail(s, "an invalid length code");
        const int extra = bits(s, length_extra[symbol]);
        if (extra < 0)
            return -1;
        const int length = length_base[symbol] + extra;
        symbol = decode(s, distances);
        if (symbol < 0)
            return -1;
        if (symbol >= 30)
            return fail(s, "an invalid distance code");
        const int more = bits(s, distance_extra[symbol]);
        if (more < 0)
            return -1;
        const size_t distance = (size_t)distance_base[symbol] + (size_t)more;
        if (distance > s->out_size)
            return fail(s, "a distance back past the start of the data");
        for (int k = 0; k < length; k++)   /* byte by byte: the copy may overlap what it writes */
            if (put(s, s->out[s->out_size - distance]) < 0)
                return -1;
    }
}

static int fixed(inflater *s)
{
    short lengths[FIXED_LITERALS];
    huffman literals, distances;
    int symbol = 0;
    for (; symbol < 144; symbol++)
        lengths[symbol] = 8;
    for (; symbol < 256; symbol++)
        lengths[symbol] = 9;
    for (; symbol < 280; symbol++)
        lengths[symbol] = 7;
    for (; symbol < FIXED_LITERALS; symbol++)
        lengths[symbol] = 8;
    build(&literals, lengths, FIXED_LITERALS);
    for (symbol = 0; symbol < MAX_DISTANCES; symbol++)
        lengths[symbol] = 5;
    build(&distances, lengths, MAX_DISTANCES);
    return codes(s, &literals, &distances);
}

/* A dynamic block: its code lengths, themselves Huffman-coded, then its codes. */
static int dynamic(inflater *s)
{
    static const short order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    short lengths[MAX_LITERALS + MAX_DISTANCES];
    huffman literals, distances;
    const int nlen = bits(s, 5), ndist = bits(s, 5), ncode = bits(s, 4);
    if (nlen < 0 || ndist < 0 || ncode < 0)
        return -1;
    const int literal_count = nlen + 257, distance_count = ndist + 1;
    if (literal_count > MAX_LITERALS || distance_count > MAX_DISTANCES)
        return fail(s, "a dynamic block with too many codes");
    int index = 0;
    for (; index < ncode + 4; index++) {
        const int length = bits(s, 3);
        if (length < 0)
            return -1;
        lengths[order[index]] = (short)length;
    }
    for (; index < 19; index++)
        lengths[order[index]] = 0;
    if (build(&literals, lengths, 19) != 0)   /* the code-length code must be complete */
        return fail(s, "an incomplete code-length code");
    for (index = 0; index < literal_count + distance_count;) {
        int symbol = decode(s, &literals);
        if (symbol < 0)
            return -1;
        if (symbol < 16) {
            lengths[index++] = (short)symbol;
            continue;
        }
        short length = 0;
        int repeat;
        if (symbol == 16) {   /* the previous length, 3 to 6 times */
            if (index == 0)
                return fail(s, "a repeat with no length before it");
            length = lengths[index - 1];
            repeat = bits(s, 2);
            repeat = repeat < 0 ? -1 : 3 + repeat;
        } else if (symbol == 17) {   /* zeros, 3 to 10 times */
            repeat = bits(s, 3);
            repeat = repeat < 0 ? -1 : 3 + repeat;
        } else {   /* zeros, 11 to 138 times */
            repeat = bits(s, 7);
            repeat = repeat < 0 ? -1 : 11 + repeat;
        }
        if (repeat < 0)
            return -1;
        if (index + repeat > literal_count + distance_count)
            return fail(s, "code lengths that run past their count");
        while (repeat--)
            lengths[index++] = length;
    }
    if (lengths[256] == 0)
        return fail(s, "a dynamic block with no end-of-block code");
    /* Incomplete codes are allowed only when they hold a single code (as zlib allows). */
    int left = build(&literals, lengths, literal_count);
    if (left < 0 || (left > 0 && literal_count - literals.count[0] != 1))
        return fail(s, "an invalid literal/length code");
    left = build(&distances, lengths + literal_count, distance_count);
    if (left < 0 || (left > 0 && distance_count - distances.count[0] != 1))
        return fail(s, "an invalid distance code");
    return codes(s, &literals, &distances);
}

/* One deflate stream from s->in_at; on return s->in_at is the byte after it. */
static int inflate_stream(inflater *s)
{
    int last;
    do {
        last = bits(s, 1);
        const int type = bits(s, 2);
        if (last < 0 || type < 0)
            return -1;
        int result;
        if (type == 0)
            result = stored(s);
        else if (type == 1)
            result = fixed(s);
        else if (type == 2)
            result = dynamic(s);
        else
            return fail(s, "a block of the reserved type 3");
        if (result < 0)
            return -1;
    } while (!last);
    s->bits = 0;   /* the stream ends at a byte boundary */
    s->bit_count = 0;
    return 0;
}

/* -- gzip (RFC 1952) --------------------------------------------------------------- */

static uint32_t crc32_of(const unsigned char *data, size_t size)
{
    uint32_t table[256];
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t k = 0; k < size; k++)
        crc = table[(crc ^ data[k]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

static uint32_t little32(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int sn_gunzip(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size, char *error,
              size_t room)
{
    inflater s = {data, size, 0, 0, 0, NULL, 0, 0, NULL};
    const char *why = NULL;
    int members = 0;
    while (!why) {
        /* Zero bytes after a member are padding, as gzip and Python allow. */
        while (members && s.in_at < size && data[s.in_at] == 0)
            s.in_at++;
        if (members && s.in_at == size)
            break;
        const unsigned char *header = data + s.in_at;
        if (size - s.in_at < 2 || header[0] != 0x1F || header[1] != 0x8B) {
            why = members ? "bytes after the gzip data that are not another gzip member" : "not a gzip file";
            break;
        }
        if (size - s.in_at < 10) {
            why = "the gzip header is cut short";
            break;
        }
        if (header[2] != 8 || (header[3] & 0xE0)) {
            why = "a gzip header with an unknown method or flags";
            break;
        }
        const int flags = header[3];
        s.in_at += 10;
        if (flags & 4) {   /* FEXTRA: a length, then that many bytes */
            if (size - s.in_at < 2) {
                why = "the gzip header is cut short";
                break;
            }
            const size_t extra = data[s.in_at] | (size_t)data[s.in_at + 1] << 8;
            s.in_at += 2;
            if (size - s.in_at < extra) {
                why = "the gzip header is cut short";
                break;
            }
            s.in_at += extra;
        }
        for (int field = 8; field <= 16; field <<= 1)   /* FNAME, FCOMMENT: zero-terminated */
            if (flags & field) {
                while (s.in_at < size && data[s.in_at] != 0)
                    s.in_at++;
                if (s.in_at == size) {
                    why = "the gzip header is cut short";
                    break;
                }
                s.in_at++;
            }
        if (why)
            break;
        if (flags & 2) {   /* FHCRC */
            if (size - s.in_at < 2) {
                why = "the gzip header is cut short";
                break;
            }
            s.in_at += 2;
        }
        const size_t start = s.out_size;
        if (inflate_stream(&s) < 0) {
            why = s.why;
            break;
        }
        if (size - s.in_at < 8) {
            why = "the gzip trailer is cut short";
            break;
        }
        if (little32(data + s.in_at) != crc32_of(s.out + start, s.out_size - start)) {
            why = "the CRC-32 of the inflated data does not match (damaged data)";
            break;
        }
        if (little32(data + s.in_at + 4) != (uint32_t)(s.out_size - start)) {
            why = "the length of the inflated data does not match the gzip trailer";
            break;
        }
        s.in_at += 8;
        members++;
    }
    if (!why && !s.out && !(s.out = malloc(1)))   /* nothing inflated: still a buffer to free */
        why = "out of memory";
    if (why) {
        snprintf(error, room, "%s", why);
        free(s.out);
        return -1;
    }
    *out = s.out;
    *out_size = s.out_size;
    return 0;
}

/* -- IDX ---------------------------------------------------------------------------- */

static int item_size(int type)
{
    switch (type) {
    case 0x08: case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
    }
}

/* The whole file, read in growing pieces (it may be a pipe). */
static int read_all(const char *path, unsigned char **data, size_t *size, char *error, size_t room)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(error, room, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t used = 0, capacity = 1 << 16;
    unsigned char *buffer = malloc(capacity);
    while (buffer) {
        used += fread(buffer + used, 1, capacity - used, file);
        if (used < capacity)
            break;
        if (capacity >= SN_IDX_MAX_BYTES) {
            snprintf(error, room, "%s: larger than 2 GiB", path);
            free(buffer);
            fclose(file);
            return -1;
        }
        capacity = capacity * 2 > SN_IDX_MAX_BYTES ? SN_IDX_MAX_BYTES : capacity * 2;
        unsigned char *grown = realloc(buffer, capacity);
        if (!grown)
            free(buffer);
        buffer = grown;
    }
    if (!buffer) {
        snprintf(error, room, "%s: out of memory", path);
        fclose(file);
        return -1;
    }
    if (ferror(file)) {
        snprintf(error, room, "%s: %s", path, strerror(errno));
        free(buffer);
        fclose(file);
        return -1;
    }
    fclose(file);
    *data = buffer;
    *size = used;
    return 0;
}

int sn_idx_read(const char *path, sn_idx *idx, char *error, size_t room)
{
    memset(idx, 0, sizeof(*idx));
    unsigned char *raw;
    size_t size;
    if (read_all(path, &raw, &size, error, room) < 0)
        return -1;
    if (size >= 2 && raw[0] == 0x1F && raw[1] == 0x8B) {
        unsigned char *inflated;
        size_t inflated_size;
        char why[200];
        const int result = sn_gunzip(raw, size, &inflated, &inflated_size, why, sizeof(why));
        free(raw);
        if (result < 0) {
            snprintf(error, room, "%s: a damaged gzip file: %s", path, why);
            return -1;
        }
        raw = inflated;
        size = inflated_size;
    }
    const char *why = NULL;
    if (size < 4 || raw[0] != 0 || raw[1] != 0 || !item_size(raw[2]))
        why = "not an IDX file (it does not begin with 0, 0, a known type)";
    else if (raw[3] < 1 || raw[3] > SN_IDX_MAX_RANK)
        why = "an IDX header with 0 or more than 8 dimensions";
    else if (size < 4 + 4 * (size_t)raw[3])
        why = "the IDX header is cut short";
    if (why) {
        snprintf(error, room, "%s: %s", path, why);
        free(raw);
        return -1;
    }
    idx->type = raw[2];
    idx->rank = raw[3];
    idx->count = 1;
    for (int d = 0; d < idx->rank; d++) {
        const unsigned char *p = raw + 4 + 4 * d;
        idx->dims[d] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (idx->dims[d] && idx->count > SN_IDX_MAX_BYTES / idx->dims[d]) {
            snprintf(error, room, "%s: the IDX header's sizes make more than 2 GiB of values", path);
            free(raw);
            return -1;
        }
        idx->count *= idx->dims[d];
    }
    const size_t header = 4 + 4 * (size_t)idx->rank, item = (size_t)item_size(idx->type);
    if (idx->count > SN_IDX_MAX_BYTES / item || size - header != idx->count * item) {
        snprintf(error, room, "%s: the IDX header says %zu values (%zu bytes) but the file holds %zu bytes of them",
                 path, idx->count, idx->count > SN_IDX_MAX_BYTES / item ? (size_t)0 : idx->count * item,
                 size - header);
        free(raw);
        return -1;
    }
    idx->bytes = raw;
    idx->data = raw + header;
    return 0;
}

double sn_idx_value(const sn_idx *idx, size_t k)
{
    const unsigned char *p = idx->data + k * (size_t)item_size(idx->type);
    uint64_t bits = 0;
    for (int b = 0; b < item_size(idx->type); b++)
        bits = bits << 8 | p[b];   /* big-endian */
    switch (idx->type) {
    case 0x08: return (double)p[0];
    case 0x09: return (double)(int8_t)p[0];
    case 0x0B: return (double)(int16_t)(uint16_t)bits;
    case 0x0C: return (double)(int32_t)(uint32_t)bits;
    case 0x0D: {
        const uint32_t word = (uint32_t)bits;
        float value;
        memcpy(&value, &word, 4);
        return value;
    }
    default: {
        double value;
        memcpy(&value, &bits, 8);
        return value;
    }
    }
}

int sn_idx_integral(const sn_idx *idx)
{
    return idx->type <= 0x0C;
}

void sn_idx_free(sn_idx *idx)
{
    free(idx->bytes);
    memset(idx, 0, sizeof(*idx));
}
