/*
 * params.h -- the system parameters libese knows, with ESENT's ids, defaults, ranges and scope.
 *
 * Each parameter has one descriptor (params.c); values live in slots, one array per instance
 * plus one process-wide array that holds the global parameters and the defaults new instances
 * start from.  Setting a parameter on "no instance" (NULL, 0 or JET_instanceNil) writes that
 * process-wide array; setting it on an instance writes the instance's own copy.
 */
#ifndef LIBESE_PARAMS_H
#define LIBESE_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "esent.h"

typedef enum {
    PARAM_INTEGER,   /* lParam, range-checked */
    PARAM_BOOLEAN,   /* lParam, any nonzero value is true; read back as 1 or 0 */
    PARAM_STRING,    /* szParam */
    PARAM_PATH,      /* szParam, a file or folder path */
} param_type;

typedef enum {
    PARAM_SCOPE_INSTANCE,  /* per instance; the process-wide value is the default */
    PARAM_SCOPE_GLOBAL,    /* one value for the whole process */
} param_scope;

typedef struct {
    ESE_ULONG id;          /* JET_param... */
    const char *name;      /* without the JET_param prefix */
    param_type type;
    param_scope scope;
    bool fixed_after_init; /* instance: only before JetInit; global: only before any JetInit */
    int64_t default_integer;
    const char *default_string; /* ASCII */
    int64_t min, max;      /* integers only */
    uint32_t exact_length; /* strings: required length in characters, 0 = any up to max_length */
    uint32_t max_length;   /* strings: longest accepted value in characters */
} param_descriptor;

typedef struct {
    int64_t integer;
    WCHAR *string;         /* owned; NULL for non-string parameters */
} param_value;

enum {
    PARAM_SLOT_SYSTEM_PATH,
    PARAM_SLOT_TEMP_PATH,
    PARAM_SLOT_LOG_FILE_PATH,
    PARAM_SLOT_BASE_NAME,
    PARAM_SLOT_MAX_SESSIONS,
    PARAM_SLOT_LOG_FILE_SIZE,
    PARAM_SLOT_CIRCULAR_LOG,
    PARAM_SLOT_RECOVERY,
    PARAM_SLOT_DATABASE_PAGE_SIZE,
    PARAM_SLOT_CACHE_SIZE_MAX,
    PARAM_SLOT_MAX_INSTANCES,
    PARAM_SLOT_OS_SNAPSHOT_TIMEOUT,
    PARAM_SLOT_CREATE_PATH_IF_NOT_EXIST,
    PARAM_SLOT_LEGACY_FILE_NAMES,
    PARAM_SLOT_COUNT
};

extern const param_descriptor g_param_descriptors[PARAM_SLOT_COUNT];

/* The slot of a parameter id, or -1 if libese does not know it. */
int param_slot_of(ESE_ULONG paramid);

/* Fill `values` with the built-in defaults.  JET_errOutOfMemory leaves nothing allocated. */
JET_ERR params_init_defaults(param_value values[PARAM_SLOT_COUNT]);

/* Deep-copy `from` into `to` (which must hold nothing). */
JET_ERR params_copy(param_value to[PARAM_SLOT_COUNT], const param_value from[PARAM_SLOT_COUNT]);

void params_free(param_value values[PARAM_SLOT_COUNT]);

/* Validate and store one value (no locking, no scope checks: the caller decided where). */
JET_ERR param_store(param_value *slot, const param_descriptor *desc, JET_API_PTR lParam,
                    JET_PCWSTR szParam);

#endif /* LIBESE_PARAMS_H */
