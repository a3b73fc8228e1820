/*
 * A stand-in for Tencent's libWeWorkFinanceSdk_C.so (WeCom's chat archive, 会话内容存档), for the
 * tests of GroupGuard.WeCom only. It exports exactly the functions of the SDK's header, with the
 * same signatures; every helper here is static, so nothing else is exported.
 *
 * Built by the tests:  gcc -shared -fPIC -O1 -o libfake.so fake_finance_sdk.c
 *
 * CONFIGURATION. The corpid given to Init is the path of a configuration file, which every call
 * reads again (no environment variables: the tests share one loaded library and run side by side,
 * each with a file of its own, and a test may change its file between calls). One key=value per
 * line; lines starting with '#' and unknown keys are ignored:
 *
 *   records=PATH     JSON lines, one GetChatData record each ({"seq":N,...}), written in seq order.
 *                    GetChatData answers {"errcode":0,"errmsg":"ok","chatdata":[...]} with the
 *                    records whose seq is greater than the given seq, at most limit of them.
 *                    Without it, chatdata is empty.
 *   init_error=N     Init returns N (when N is not 0).
 *   chat_error=N     GetChatData returns N (when N is not 0).
 *   chat_errcode=N   GetChatData returns 0 with {"errcode":N,"errmsg":"fake error","chatdata":[]}.
 *   chat_body=PATH   GetChatData returns 0 with this file's bytes as the body, verbatim.
 *   media=DIR        GetMediaData serves the file DIR/<sdkFileid>.
 *   media_chunk=N    ... in pieces of at most N bytes (1 to 65536; 65536 when unset).
 *   media_hold=PATH  A call for a piece after the first (a download in the middle) creates
 *                    PATH.held, then waits until PATH exists before it answers: a download held
 *                    open, for as long as the test wants, and a sign that it is.
 *
 * Init wants a non-empty corpid and secret; the secret is otherwise ignored, and so are proxy,
 * passwd and timeout everywhere.
 *
 * DecryptData: encrypt_msg is base64 of the plaintext XORed byte by byte with the bytes of
 * encrypt_key, repeated. It returns 10008 for an empty key, and 10002 when encrypt_msg is not
 * base64 or the plaintext does not start with '{' (the sign of a wrong key).
 *
 * GetMediaData: an empty indexbuf starts at offset 0, else indexbuf is the offset in decimal. Each
 * call gives the next piece, outindexbuf = the offset after it in decimal, and is_finish = 1 once
 * the end of the file is reached. 10005 when sdkFileid is not a plain file name in DIR or names no
 * file; 10000 for an index that is not a number within the file.
 *
 * SLICES ARE NOT NUL-TERMINATED, as the real SDK's need not be: the byte after the content is 'X',
 * so a reader that relies on strlen instead of GetSliceLen reads too much and fails its test.
 *
 * Return codes are the SDK's: 0 success, 10000 parameter error, 10002 parse failure, 10003 system
 * failure (here: the fake's own files cannot be read), 10005 file id error, 10008 key error.
 * Nothing is kept between calls but what the SDK object and the caller's slices own.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef struct WeWorkFinanceSdk_t { char *config; } WeWorkFinanceSdk_t;
typedef struct Slice_t { char *buf; int len; } Slice_t;
typedef struct MediaData { char *outindexbuf; int out_len; char *data; int data_len; int is_finish; } MediaData_t;

enum { OK = 0, E_PARAM = 10000, E_PARSE = 10002, E_SYSTEM = 10003, E_FILEID = 10005, E_KEY = 10008 };
enum { MAX_CHUNK = 64 * 1024, MAX_LIMIT = 1000, MAX_LINE = 4096 };

/* ---- a growing byte buffer ---- */

typedef struct { char *data; size_t len, cap; } buffer_t;

/* Appends n bytes, keeping room for two more (the 'X' and NUL a slice ends with). -1 when out of memory. */
static int buf_append(buffer_t *b, const char *s, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len - 2) return -1;
    size_t need = b->len + n + 2;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need) cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) return -1;
        b->data = grown;
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

static int buf_append_str(buffer_t *b, const char *s) { return buf_append(b, s, strlen(s)); }

/* Hands the buffer to the slice (freeing what it held). E_SYSTEM when it is too long for an int. */
static int slice_take(Slice_t *slice, buffer_t *b)
{
    if (buf_append(b, "", 0) != 0 || b->len > INT_MAX - 2) { free(b->data); return E_SYSTEM; }
    b->data[b->len] = 'X';       /* not a terminator: see SLICES above */
    b->data[b->len + 1] = '\0';  /* so that even a strlen reader stops somewhere */
    free(slice->buf);
    slice->buf = b->data;
    slice->len = (int)b->len;
    return OK;
}

/* Reads a whole file into b. -1 when it cannot be opened or read. */
static int read_file(const char *path, buffer_t *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char chunk[8192];
    size_t n;
    int failed = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(b, chunk, n) != 0) { failed = 1; break; }
    if (ferror(f)) failed = 1;
    fclose(f);
    return failed ? -1 : 0;
}

/* ---- the configuration file ---- */

/* Copies the value of key into out (NUL-terminated). 1 when found and it fits, else 0. */
static int config_get(const char *config, const char *key, char *out, size_t out_size)
{
    FILE *f = fopen(config, "r");
    if (!f) return 0;
    char line[MAX_LINE];
    size_t key_len = strlen(key);
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            /* longer than a line may be: skip the rest of it and ignore it */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n') {}
            continue;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (line[0] == '#' || strncmp(line, key, key_len) != 0 || line[key_len] != '=') continue;
        const char *value = line + key_len + 1;
        if (strlen(value) < out_size) { memcpy(out, value, strlen(value) + 1); found = 1; }
    }
    fclose(f);
    return found;
}

/* The whole number of key, or fallback when it is unset or not a number. */
static long config_long(const char *config, const char *key, long fallback)
{
    char value[64];
    if (!config_get(config, key, value, sizeof value)) return fallback;
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    return (errno || end == value || *end) ? fallback : n;
}

/* ---- the SDK object ---- */

WeWorkFinanceSdk_t *NewSdk(void)
{
    return calloc(1, sizeof(WeWorkFinanceSdk_t));
}

int Init(WeWorkFinanceSdk_t *sdk, const char *corpid, const char *secret)
{
    if (!sdk || !corpid || !*corpid || !secret || !*secret) return E_PARAM;
    char *copy = strdup(corpid);
    if (!copy) return E_SYSTEM;
    free(sdk->config);
    sdk->config = copy;
    return (int)config_long(sdk->config, "init_error", 0);
}

void DestroySdk(WeWorkFinanceSdk_t *sdk)
{
    if (!sdk) return;
    free(sdk->config);
    free(sdk);
}

/* ---- GetChatData ---- */

/* The seq of a record line, from its "seq": field. -1 when it has none. */
static int record_seq(const char *line, unsigned long long *seq)
{
    const char *at = strstr(line, "\"seq\":");
    if (!at) return -1;
    at += 6;
    while (*at == ' ') at++;
    if (*at < '0' || *at > '9') return -1;
    char *end;
    errno = 0;
    *seq = strtoull(at, &end, 10);
    return errno ? -1 : 0;
}

/* Appends the records after seq, at most limit, comma-separated. An error code, or OK. */
static int append_records(const char *path, unsigned long long seq, unsigned int limit, buffer_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f) return E_SYSTEM;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    unsigned int served = 0;
    int result = OK;
    while (served < limit && (len = getline(&line, &line_cap, f)) != -1) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) line[--len] = '\0';
        if (len == 0) continue;
        unsigned long long record;
        if (record_seq(line, &record) != 0) { result = E_SYSTEM; break; }  /* the test wrote a bad file */
        if (record <= seq) continue;
        if ((served && buf_append_str(out, ",") != 0) || buf_append(out, line, (size_t)len) != 0) { result = E_SYSTEM; break; }
        served++;
    }
    free(line);
    fclose(f);
    return result;
}

int GetChatData(WeWorkFinanceSdk_t *sdk, unsigned long long seq, unsigned int limit, const char *proxy,
                const char *passwd, int timeout, Slice_t *chatDatas)
{
    (void)proxy; (void)passwd; (void)timeout;
    if (!sdk || !sdk->config || !chatDatas || limit == 0 || limit > MAX_LIMIT) return E_PARAM;
    const char *config = sdk->config;

    long error = config_long(config, "chat_error", 0);
    if (error) return (int)error;

    buffer_t out = { 0 };
    char path[MAX_LINE];
    if (config_get(config, "chat_body", path, sizeof path)) {
        if (read_file(path, &out) != 0) { free(out.data); return E_SYSTEM; }
        return slice_take(chatDatas, &out);
    }

    long errcode = config_long(config, "chat_errcode", 0);
    if (errcode) {
        char body[128];
        snprintf(body, sizeof body, "{\"errcode\":%ld,\"errmsg\":\"fake error\",\"chatdata\":[]}", errcode);
        if (buf_append_str(&out, body) != 0) { free(out.data); return E_SYSTEM; }
        return slice_take(chatDatas, &out);
    }

    int result = buf_append_str(&out, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[") == 0 ? OK : E_SYSTEM;
    if (result == OK && config_get(config, "records", path, sizeof path))
        result = append_records(path, seq, limit, &out);
    if (result == OK && buf_append_str(&out, "]}") != 0) result = E_SYSTEM;
    if (result != OK) { free(out.data); return result; }
    return slice_take(chatDatas, &out);
}

/* ---- DecryptData ---- */

static int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes standard, padded base64 into out. -1 when it is not that. */
static int base64_decode(const char *in, size_t len, buffer_t *out)
{
    if (len % 4) return -1;
    for (size_t i = 0; i < len; i += 4) {
        int last = i + 4 == len;
        int pad = (last && in[i + 3] == '=') + (last && in[i + 2] == '=');
        int v[4];
        for (int j = 0; j < 4; j++) {
            v[j] = j >= 4 - pad ? 0 : base64_value(in[i + j]);
            if (v[j] < 0) return -1;
        }
        unsigned long triple = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) | ((unsigned long)v[2] << 6) | (unsigned long)v[3];
        char bytes[3] = { (char)(triple >> 16), (char)(triple >> 8), (char)triple };
        if (buf_append(out, bytes, (size_t)(3 - pad)) != 0) return -1;
    }
    return 0;
}

int DecryptData(const char *encrypt_key, const char *encrypt_msg, Slice_t *msg)
{
    if (!encrypt_key || !encrypt_msg || !msg) return E_PARAM;
    size_t key_len = strlen(encrypt_key);
    if (key_len == 0) return E_KEY;
    buffer_t out = { 0 };
    if (base64_decode(encrypt_msg, strlen(encrypt_msg), &out) != 0) { free(out.data); return E_PARSE; }
    for (size_t i = 0; i < out.len; i++) out.data[i] ^= encrypt_key[i % key_len];
    if (out.len == 0 || out.data[0] != '{') { free(out.data); return E_PARSE; }
    return slice_take(msg, &out);
}

/* ---- GetMediaData ---- */

int GetMediaData(WeWorkFinanceSdk_t *sdk, const char *indexbuf, const char *sdkFileid, const char *proxy,
                 const char *passwd, int timeout, MediaData_t *media_data)
{
    (void)proxy; (void)passwd; (void)timeout;
    if (!sdk || !sdk->config || !sdkFileid || !media_data) return E_PARAM;

    char dir[MAX_LINE];
    if (!config_get(sdk->config, "media", dir, sizeof dir)) return E_FILEID;
    /* A plain name inside DIR only: no way out of it. */
    if (!*sdkFileid || strchr(sdkFileid, '/') || !strcmp(sdkFileid, ".") || !strcmp(sdkFileid, "..")) return E_FILEID;

    unsigned long long offset = 0;
    if (indexbuf && *indexbuf) {
        for (const char *c = indexbuf; *c; c++)
            if (*c < '0' || *c > '9') return E_PARAM;
        errno = 0;
        offset = strtoull(indexbuf, NULL, 10);
        if (errno) return E_PARAM;
    }

    char hold[MAX_LINE];
    if (offset > 0 && config_get(sdk->config, "media_hold", hold, sizeof hold)) {
        char held[MAX_LINE + 8];
        snprintf(held, sizeof held, "%s.held", hold);
        FILE *sign = fopen(held, "w");
        if (!sign) return E_SYSTEM;
        fclose(sign);
        struct timespec pause = { 0, 5 * 1000 * 1000 };
        while (access(hold, F_OK) != 0) nanosleep(&pause, NULL);
    }

    long chunk = config_long(sdk->config, "media_chunk", MAX_CHUNK);
    if (chunk < 1 || chunk > MAX_CHUNK) chunk = MAX_CHUNK;

    char path[2 * MAX_LINE];
    int written = snprintf(path, sizeof path, "%s/%s", dir, sdkFileid);
    if (written < 0 || (size_t)written >= sizeof path) return E_FILEID;

    FILE *f = fopen(path, "rb");
    if (!f) return E_FILEID;
    int result = OK;
    char *data = NULL;
    size_t n = 0;
    off_t size;
    if (fseeko(f, 0, SEEK_END) != 0 || (size = ftello(f)) < 0) result = E_SYSTEM;
    else if (offset > (unsigned long long)size) result = E_PARAM;
    else {
        unsigned long long left = (unsigned long long)size - offset;
        n = left < (unsigned long long)chunk ? (size_t)left : (size_t)chunk;
        data = malloc(n ? n : 1);
        if (!data || fseeko(f, (off_t)offset, SEEK_SET) != 0 || fread(data, 1, n, f) != n) result = E_SYSTEM;
    }
    fclose(f);
    if (result != OK) { free(data); return result; }

    char index[32];
    unsigned long long next = offset + n;
    snprintf(index, sizeof index, "%llu", next);
    char *index_copy = strdup(index);
    if (!index_copy) { free(data); return E_SYSTEM; }

    free(media_data->outindexbuf);
    free(media_data->data);
    media_data->outindexbuf = index_copy;
    media_data->out_len = (int)strlen(index_copy);
    media_data->data = data;
    media_data->data_len = (int)n;
    media_data->is_finish = next >= (unsigned long long)size;
    return OK;
}

/* ---- slices and media data ---- */

Slice_t *NewSlice(void) { return calloc(1, sizeof(Slice_t)); }

void FreeSlice(Slice_t *slice)
{
    if (!slice) return;
    free(slice->buf);
    free(slice);
}

char *GetContentFromSlice(Slice_t *slice) { return slice ? slice->buf : NULL; }

int GetSliceLen(Slice_t *slice) { return slice ? slice->len : 0; }

MediaData_t *NewMediaData(void) { return calloc(1, sizeof(MediaData_t)); }

void FreeMediaData(MediaData_t *media_data)
{
    if (!media_data) return;
    free(media_data->outindexbuf);
    free(media_data->data);
    free(media_data);
}

char *GetOutIndexBuf(MediaData_t *media_data) { return media_data ? media_data->outindexbuf : NULL; }

char *GetData(MediaData_t *media_data) { return media_data ? media_data->data : NULL; }

int GetIndexLen(MediaData_t *media_data) { return media_data ? media_data->out_len : 0; }

int GetDataLen(MediaData_t *media_data) { return media_data ? media_data->data_len : 0; }

int IsMediaDataFinish(MediaData_t *media_data) { return media_data ? media_data->is_finish : 0; }
