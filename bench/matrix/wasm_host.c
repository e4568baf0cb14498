/* A native WebAssembly host: what `wasmtime run` does, in C, on the same libwasmtime that the
 * PyPI wasmtime package ships (there is no wasmtime CLI on these machines, and no C headers:
 * the few declarations below follow wasmtime's C API, v50).
 *
 *   wasm_host module  HELLO.cwasm   a WASI preview-1 command: run `_start`
 *   wasm_host command HELLO.cwasm   a wasi:cli/command component: call `wasi:cli/run.run`
 *   wasm_host parse INTERFACE PARSER.cwasm PAGE [--repeat N]
 *                                   call INTERFACE's `parse-package-page` with the page and print
 *                                   {"total": …, "days": [[date, count], …]}; with --repeat, then
 *                                   {"instantiate_call_ns": […], "call_ns": […]} as run_wasm.py does
 *
 * Artifacts are precompiled (Engine.serialize, as `wasmtime compile`); stdout is inherited.
 * It gives the WebAssembly cells figures without CPython's start-up and conversions in them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasmtime_store_t wasmtime_store_t;
typedef struct wasmtime_context_t wasmtime_context_t;
typedef struct wasmtime_error_t wasmtime_error_t;
typedef struct wasmtime_module_t wasmtime_module_t;
typedef struct wasmtime_linker_t wasmtime_linker_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasi_config_t wasi_config_t;
typedef struct wasmtime_component_t wasmtime_component_t;
typedef struct wasmtime_component_linker_t wasmtime_component_linker_t;
typedef struct wasmtime_component_export_index_t wasmtime_component_export_index_t;
typedef struct { size_t size; char *data; } wasm_byte_vec_t;
typedef struct { uint64_t store_id; void *private_; } wasmtime_func_t;
typedef struct { uint64_t store_id; uint32_t private_; } wasmtime_component_instance_t;
typedef struct { struct { uint64_t store_id; uint32_t private1; } a; uint32_t private2; void *private3; } wasmtime_component_func_t;
/* A component value: a kind and a 24-byte union (wasmtime_component_val_t, 32 bytes). */
enum { VAL_U64 = 8, VAL_STRING = 12, VAL_LIST = 13, VAL_RECORD = 14, VAL_RESULT = 19 };
typedef struct component_val component_val;
typedef struct record_entry record_entry;
struct component_val {
    uint8_t kind;
    union {
        uint64_t u64;
        wasm_byte_vec_t string;
        struct { size_t size; component_val *data; } list;
        struct { size_t size; record_entry *data; } record;
        struct { bool is_ok; component_val *val; } result;
        unsigned char bytes[24];
    } of;
};
struct record_entry { wasm_byte_vec_t name; component_val val; };

wasm_engine_t *wasm_engine_new(void);
wasmtime_store_t *wasmtime_store_new(wasm_engine_t *, void *, void (*)(void *));
wasmtime_context_t *wasmtime_store_context(wasmtime_store_t *);
wasi_config_t *wasi_config_new(void);
void wasi_config_inherit_stdout(wasi_config_t *);
void wasi_config_inherit_stderr(wasi_config_t *);
wasmtime_error_t *wasmtime_context_set_wasi(wasmtime_context_t *, wasi_config_t *);
wasmtime_error_t *wasmtime_module_deserialize_file(wasm_engine_t *, const char *, wasmtime_module_t **);
wasmtime_linker_t *wasmtime_linker_new(wasm_engine_t *);
wasmtime_error_t *wasmtime_linker_define_wasi(wasmtime_linker_t *);
wasmtime_error_t *wasmtime_linker_module(wasmtime_linker_t *, wasmtime_context_t *, const char *, size_t, const wasmtime_module_t *);
wasmtime_error_t *wasmtime_linker_get_default(const wasmtime_linker_t *, wasmtime_context_t *, const char *, size_t, wasmtime_func_t *);
wasmtime_error_t *wasmtime_func_call(wasmtime_context_t *, const wasmtime_func_t *, const void *, size_t, void *, size_t, wasm_trap_t **);
bool wasmtime_error_exit_status(const wasmtime_error_t *, int *);
void wasmtime_error_message(const wasmtime_error_t *, wasm_byte_vec_t *);
void wasm_trap_message(const wasm_trap_t *, wasm_byte_vec_t *);
wasmtime_error_t *wasmtime_component_deserialize_file(wasm_engine_t *, const char *, wasmtime_component_t **);
wasmtime_component_linker_t *wasmtime_component_linker_new(const wasm_engine_t *);
wasmtime_error_t *wasmtime_component_linker_add_wasip2(wasmtime_component_linker_t *);
wasmtime_error_t *wasmtime_component_linker_instantiate(const wasmtime_component_linker_t *, wasmtime_context_t *, const wasmtime_component_t *, wasmtime_component_instance_t *);
wasmtime_component_export_index_t *wasmtime_component_get_export_index(const wasmtime_component_t *, const wasmtime_component_export_index_t *, const char *, size_t);
bool wasmtime_component_instance_get_func(const wasmtime_component_instance_t *, wasmtime_context_t *, const wasmtime_component_export_index_t *, wasmtime_component_func_t *);
wasmtime_error_t *wasmtime_component_func_call(const wasmtime_component_func_t *, wasmtime_context_t *, const component_val *, size_t, component_val *, size_t);
void wasmtime_component_val_delete(component_val *);
void wasm_byte_vec_new(wasm_byte_vec_t *, size_t, const char *);
void wasmtime_store_delete(wasmtime_store_t *);

static int fail(const char *what, wasmtime_error_t *error, wasm_trap_t *trap) {
    wasm_byte_vec_t message = {0, NULL};
    if (error) wasmtime_error_message(error, &message);
    else if (trap) wasm_trap_message(trap, &message);
    fprintf(stderr, "wasm_host: %s: %.*s\n", what, (int)message.size, message.data ? message.data : "");
    return 1;
}

static int run_module(wasm_engine_t *engine, wasmtime_context_t *context, const char *path) {
    wasmtime_module_t *module;
    wasmtime_error_t *error = wasmtime_module_deserialize_file(engine, path, &module);
    if (error) return fail("load", error, NULL);
    wasmtime_linker_t *linker = wasmtime_linker_new(engine);
    if ((error = wasmtime_linker_define_wasi(linker))) return fail("link", error, NULL);
    if ((error = wasmtime_linker_module(linker, context, "", 0, module))) return fail("instantiate", error, NULL);
    wasmtime_func_t start;
    if ((error = wasmtime_linker_get_default(linker, context, "", 0, &start))) return fail("_start", error, NULL);
    wasm_trap_t *trap = NULL;
    error = wasmtime_func_call(context, &start, NULL, 0, NULL, 0, &trap);
    int status;
    if (error && wasmtime_error_exit_status(error, &status)) return status;
    if (error || trap) return fail("run", error, trap);
    return 0;
}

static int run_command(wasm_engine_t *engine, wasmtime_context_t *context, const char *path) {
    wasmtime_component_t *component;
    wasmtime_error_t *error = wasmtime_component_deserialize_file(engine, path, &component);
    if (error) return fail("load", error, NULL);
    wasmtime_component_linker_t *linker = wasmtime_component_linker_new(engine);
    if ((error = wasmtime_component_linker_add_wasip2(linker))) return fail("link", error, NULL);
    wasmtime_component_instance_t instance;
    if ((error = wasmtime_component_linker_instantiate(linker, context, component, &instance)))
        return fail("instantiate", error, NULL);
    const char *iface = "wasi:cli/run@0.2.0";
    wasmtime_component_export_index_t *run_iface = wasmtime_component_get_export_index(component, NULL, iface, strlen(iface));
    wasmtime_component_export_index_t *run = run_iface ? wasmtime_component_get_export_index(component, run_iface, "run", 3) : NULL;
    wasmtime_component_func_t func;
    if (!run || !wasmtime_component_instance_get_func(&instance, context, run, &func))
        return fail("no wasi:cli/run export", NULL, NULL);
    component_val result;
    memset(&result, 0, sizeof result);
    if ((error = wasmtime_component_func_call(&func, context, NULL, 0, &result, 1))) return fail("run", error, NULL);
    return result.kind == VAL_RESULT && result.of.result.is_ok ? 0 : 1;
}

/* --- parse: a component exporting parse-package-page(html) -> result<record, …> ----------------- */

static const component_val *field(const component_val *record, const char *name) {
    for (size_t i = 0; record->kind == VAL_RECORD && i < record->of.record.size; i++) {
        const record_entry *e = &record->of.record.data[i];
        if (e->name.size == strlen(name) && memcmp(e->name.data, name, e->name.size) == 0) return &e->val;
    }
    return NULL;
}

/* Prints the summary every parser cell prints; 1 when the value is not a parsed page. */
static int print_page(const component_val *result) {
    if (result->kind != VAL_RESULT || !result->of.result.is_ok) return 1;
    const component_val *page = result->of.result.val;
    const component_val *total = field(page, "total-downloads"), *days = field(page, "daily-downloads");
    if (!total || total->kind != VAL_U64 || !days || days->kind != VAL_LIST) return 1;
    printf("{\"total\": %llu, \"days\": [", (unsigned long long)total->of.u64);
    for (size_t i = 0; i < days->of.list.size; i++) {
        const component_val *date = field(&days->of.list.data[i], "date"), *count = field(&days->of.list.data[i], "count");
        if (!date || date->kind != VAL_STRING || !count || count->kind != VAL_U64) return 1;
        printf("%s[\"%.*s\", %llu]", i ? ", " : "", (int)date->of.string.size, date->of.string.data,
               (unsigned long long)count->of.u64);
    }
    printf("]}\n");
    return 0;
}

typedef struct {
    wasm_engine_t *engine;
    wasmtime_component_t *component;
    wasmtime_component_linker_t *linker;
    wasmtime_component_export_index_t *func_index;
    wasm_byte_vec_t html;
} parser_t;

typedef struct {
    wasmtime_store_t *store;
    wasmtime_context_t *context;
    wasmtime_component_func_t func;
} parser_instance_t;

static int instantiate(const parser_t *p, parser_instance_t *out) {
    out->store = wasmtime_store_new(p->engine, NULL, NULL);
    out->context = wasmtime_store_context(out->store);
    wasmtime_error_t *error = wasmtime_context_set_wasi(out->context, wasi_config_new());
    if (error) return fail("wasi", error, NULL);
    wasmtime_component_instance_t instance;
    if ((error = wasmtime_component_linker_instantiate(p->linker, out->context, p->component, &instance)))
        return fail("instantiate", error, NULL);
    if (!wasmtime_component_instance_get_func(&instance, out->context, p->func_index, &out->func))
        return fail("no parse-package-page export", NULL, NULL);
    return 0;
}

/* One call; prints the page when `print`. */
static int call(const parser_t *p, parser_instance_t *inst, bool print) {
    component_val arg = {.kind = VAL_STRING}, result;
    wasm_byte_vec_new(&arg.of.string, p->html.size, p->html.data);
    memset(&result, 0, sizeof result);
    wasmtime_error_t *error = wasmtime_component_func_call(&inst->func, inst->context, &arg, 1, &result, 1);
    wasmtime_component_val_delete(&arg);
    if (error) return fail("parse-package-page", error, NULL);
    int bad = result.kind != VAL_RESULT || !result.of.result.is_ok;
    if (print && !bad) bad = print_page(&result);
    wasmtime_component_val_delete(&result);
    if (bad) fprintf(stderr, "wasm_host: parse-package-page did not return a page\n");
    return bad;
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int run_parse(wasm_engine_t *engine, const char *interface, const char *path, const char *page, int repeat) {
    parser_t p = {.engine = engine};
    FILE *f = fopen(page, "rb");
    if (!f) return fail("cannot open the page", NULL, NULL);
    fseek(f, 0, SEEK_END);
    p.html.size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    p.html.data = malloc(p.html.size);
    if (fread(p.html.data, 1, p.html.size, f) != p.html.size) return fail("cannot read the page", NULL, NULL);
    fclose(f);

    wasmtime_error_t *error = wasmtime_component_deserialize_file(engine, path, &p.component);
    if (error) return fail("load", error, NULL);
    p.linker = wasmtime_component_linker_new(engine);
    /* The Rust parser imports nothing; the componentize-py one imports WASI (its CPython). */
    if ((error = wasmtime_component_linker_add_wasip2(p.linker))) return fail("link", error, NULL);
    wasmtime_component_export_index_t *iface = wasmtime_component_get_export_index(p.component, NULL, interface, strlen(interface));
    const char *name = "parse-package-page";
    p.func_index = iface ? wasmtime_component_get_export_index(p.component, iface, name, strlen(name)) : NULL;
    if (!p.func_index) return fail("no parse-package-page export", NULL, NULL);

    parser_instance_t inst;
    if (instantiate(&p, &inst) || call(&p, &inst, true)) return 1;
    if (repeat <= 0) return 0;
    long long *fresh = calloc((size_t)repeat, sizeof *fresh), *again = calloc((size_t)repeat, sizeof *again);
    for (int i = 0; i < repeat; i++) {
        parser_instance_t each;
        long long t = now_ns();
        if (instantiate(&p, &each) || call(&p, &each, false)) return 1;
        fresh[i] = now_ns() - t;
        wasmtime_store_delete(each.store);
    }
    for (int i = 0; i < repeat; i++) {
        long long t = now_ns();
        if (call(&p, &inst, false)) return 1;
        again[i] = now_ns() - t;
    }
    printf("{\"instantiate_call_ns\": [");
    for (int i = 0; i < repeat; i++) printf("%s%lld", i ? ", " : "", fresh[i]);
    printf("], \"call_ns\": [");
    for (int i = 0; i < repeat; i++) printf("%s%lld", i ? ", " : "", again[i]);
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv) {
    wasm_engine_t *engine = wasm_engine_new();
    if (argc >= 5 && strcmp(argv[1], "parse") == 0) {
        int repeat = argc == 7 && strcmp(argv[5], "--repeat") == 0 ? atoi(argv[6]) : 0;
        return run_parse(engine, argv[2], argv[3], argv[4], repeat);
    }
    if (argc != 3) {
        fprintf(stderr, "usage: wasm_host module|command ARTIFACT.cwasm | parse INTERFACE ARTIFACT.cwasm PAGE [--repeat N]\n");
        return 2;
    }
    wasmtime_store_t *store = wasmtime_store_new(engine, NULL, NULL);
    wasmtime_context_t *context = wasmtime_store_context(store);
    wasi_config_t *wasi = wasi_config_new();
    wasi_config_inherit_stdout(wasi);
    wasi_config_inherit_stderr(wasi);
    wasmtime_error_t *error = wasmtime_context_set_wasi(context, wasi);
    if (error) return fail("wasi", error, NULL);
    if (strcmp(argv[1], "module") == 0) return run_module(engine, context, argv[2]);
    if (strcmp(argv[1], "command") == 0) return run_command(engine, context, argv[2]);
    fprintf(stderr, "wasm_host: unknown kind %s\n", argv[1]);
    return 2;
}
