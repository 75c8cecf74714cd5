// Copyright 2026 powerplatform-iac contributors. Licensed under Apache-2.0.

package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/shlex"
)

// Pure helpers of the language host: command-line parsing, runtime options and
// the argument/environment construction for the Node.js entry points shipped in
// @pulumi/pulumi (cmd/run, cmd/run-plugin, cmd/run-policy-pack). Everything here
// is side-effect free so it can be unit tested.

// hostFlags holds what the engine (or a user) passed on our command line.
type hostFlags struct {
	engineAddress string
	root          string
	tracing       string
	// Runtime option defaults given as flags (`-typescript=false`, `-tsconfig=...`,
	// `-nodeargs=...`, `-packagemanager=...`). ProgramInfo options override them.
	options map[string]any
	// Flags we did not recognise; accepted and ignored.
	ignored []string
}

// Flags that take a value when written as `-name value`. Unknown flags are only
// treated as having a value when written `-name=value`.
var stringFlags = map[string]bool{
	"root": true, "tracing": true, "tsconfig": true, "nodeargs": true,
	"packagemanager": true, "runtime": true, "logflow": false,
}

// parseHostFlags parses Go-flag-style arguments (`-x`, `--x`, `-x=v`, `-x v`).
// The first positional argument is the engine address. Unknown flags are
// recorded and otherwise ignored, so a newer engine cannot break us by adding one.
func parseHostFlags(args []string) hostFlags {
	f := hostFlags{options: map[string]any{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) && f.engineAddress == "" {
				f.engineAddress = args[i+1]
			}
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if f.engineAddress == "" {
				f.engineAddress = a
			}
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, hasValue = name[:eq], name[eq+1:], true
		}
		switch name {
		case "typescript":
			b := true
			if hasValue {
				if pb, err := strconv.ParseBool(value); err == nil {
					b = pb
				}
			}
			f.options["typescript"] = b
			continue
		}
		if !hasValue && stringFlags[name] && i+1 < len(args) {
			value, hasValue = args[i+1], true
			i++
		}
		switch name {
		case "root":
			f.root = value
		case "tracing":
			f.tracing = value
		case "tsconfig", "nodeargs", "packagemanager":
			f.options[name] = value
		default:
			f.ignored = append(f.ignored, a)
		}
	}
	return f
}

// nodeOptions are the `runtime.options` of a nodejs Pulumi.yaml/PulumiPolicy.yaml.
type nodeOptions struct {
	typescript     bool
	tsconfig       string
	nodeargs       []string
	packagemanager string
}

// parseNodeOptions merges the flag defaults with the ProgramInfo options (the
// latter win) and validates them.
func parseNodeOptions(defaults, options map[string]any) (nodeOptions, error) {
	o := nodeOptions{typescript: true, packagemanager: "auto"}
	merged := map[string]any{}
	for k, v := range defaults {
		merged[k] = v
	}
	for k, v := range options {
		merged[k] = v
	}
	if v, ok := merged["typescript"]; ok {
		switch t := v.(type) {
		case bool:
			o.typescript = t
		case string:
			b, err := strconv.ParseBool(t)
			if err != nil {
				return o, fmt.Errorf("typescript option must be a boolean, got %q", t)
			}
			o.typescript = b
		default:
			return o, fmt.Errorf("typescript option must be a boolean")
		}
	}
	if v, ok := merged["tsconfig"]; ok {
		s, isStr := v.(string)
		if !isStr {
			return o, fmt.Errorf("tsconfig option must be a string")
		}
		o.tsconfig = s
	}
	if v, ok := merged["nodeargs"]; ok {
		s, isStr := v.(string)
		if !isStr {
			return o, fmt.Errorf("nodeargs option must be a string")
		}
		parts, err := shlex.Split(s)
		if err != nil {
			return o, fmt.Errorf("invalid nodeargs %q: %w", s, err)
		}
		o.nodeargs = parts
	}
	if v, ok := merged["packagemanager"]; ok {
		s, isStr := v.(string)
		if !isStr {
			return o, fmt.Errorf("packagemanager option must be a string")
		}
		switch s {
		case "", "auto":
			o.packagemanager = "auto"
		case "npm", "yarn", "pnpm", "bun":
			o.packagemanager = s
		default:
			return o, fmt.Errorf("packagemanager option must be one of auto, npm, yarn, pnpm or bun, got %q", s)
		}
	}
	return o, nil
}

// runSpec is everything cmd/run needs from a RunRequest.
type runSpec struct {
	runPath       string // resolved <@pulumi/pulumi>/cmd/run
	monitor       string
	engine        string
	organization  string
	project       string
	stack         string
	rootDirectory string
	pwd           string
	dryRun        bool
	parallel      int32
	tracing       string
	entryPoint    string
	programArgs   []string
	config        map[string]string
	secretKeys    []string
	options       nodeOptions
}

// runArgs builds node's argument vector: node args, the run script, the flags
// understood by cmd/run/index.ts (minimist), the entry point and program args.
func runArgs(s runSpec) []string {
	args := append([]string{}, s.options.nodeargs...)
	args = append(args, s.runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", s.monitor)
	add("engine", s.engine)
	add("organization", s.organization)
	add("project", s.project)
	add("root-directory", s.rootDirectory)
	add("stack", s.stack)
	add("pwd", s.pwd)
	if s.dryRun {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(s.parallel)))
	add("tracing", s.tracing)
	entry := s.entryPoint
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	return append(args, s.programArgs...)
}

// configJSON serialises the stack config the way @pulumi/pulumi reads
// PULUMI_CONFIG: a flat JSON object of "<namespace>:<key>" to string values.
func configJSON(config map[string]string) (string, error) {
	if config == nil {
		config = map[string]string{}
	}
	b, err := json.Marshal(config)
	return string(b), err
}

// secretKeysJSON serialises PULUMI_CONFIG_SECRET_KEYS (a JSON array, sorted for stability).
func secretKeysJSON(keys []string) (string, error) {
	k := append([]string{}, keys...)
	sort.Strings(k)
	if k == nil {
		k = []string{}
	}
	b, err := json.Marshal(k)
	return string(b), err
}

// runEnv returns the variables to add on top of the host's environment for cmd/run.
func runEnv(s runSpec) ([]string, error) {
	cfg, err := configJSON(s.config)
	if err != nil {
		return nil, fmt.Errorf("serialising config: %w", err)
	}
	keys, err := secretKeysJSON(s.secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serialising secret config keys: %w", err)
	}
	env := []string{"PULUMI_CONFIG=" + cfg, "PULUMI_CONFIG_SECRET_KEYS=" + keys}
	return append(env, typescriptEnv(s.options)...), nil
}

func typescriptEnv(o nodeOptions) []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// pluginSpec is everything needed to start a plugin (RunPlugin).
type pluginSpec struct {
	kind       string // "analyzer" for policy packs, "resource", "tool", ...
	runPath    string // resolved cmd/run-policy-pack or cmd/run-plugin
	programDir string
	pwd        string
	args       []string // from the engine (for analyzers: the engine address)
	env        []string // from the engine
	options    nodeOptions
}

func isAnalyzer(kind string) bool { return kind == "analyzer" }

// pluginModule is the @pulumi/pulumi entry point for a plugin kind.
func pluginModule(kind string) string {
	if isAnalyzer(kind) {
		return "@pulumi/pulumi/cmd/run-policy-pack"
	}
	return "@pulumi/pulumi/cmd/run-plugin"
}

// pluginArgs: run-policy-pack expects `<engine-address> <program>`, while
// run-plugin expects `<program> [args...]`.
func pluginArgs(s pluginSpec) []string {
	args := append([]string{}, s.options.nodeargs...)
	args = append(args, s.runPath)
	if isAnalyzer(s.kind) {
		args = append(args, s.args...)
		return append(args, s.programDir)
	}
	args = append(args, s.programDir)
	return append(args, s.args...)
}

// pluginDir is the working directory of the plugin process: policy packs have
// always run from their own directory.
func pluginDir(s pluginSpec) string {
	if isAnalyzer(s.kind) || s.pwd == "" {
		return s.programDir
	}
	return s.pwd
}

// pluginEnv is the plugin's full environment: ours, overridden by the engine's,
// plus the TypeScript switches.
func pluginEnv(base []string, s pluginSpec) []string {
	env := mergeEnv(base, s.env)
	return mergeEnv(env, typescriptEnv(s.options))
}

// mergeEnv returns base with every KEY=VALUE of extra set (later wins), without duplicates.
func mergeEnv(base, extra []string) []string {
	index := map[string]int{}
	out := make([]string, 0, len(base)+len(extra))
	for _, kv := range append(append([]string{}, base...), extra...) {
		k := kv
		if eq := strings.IndexByte(kv, '='); eq >= 0 {
			k = kv[:eq]
		}
		if i, ok := index[k]; ok {
			out[i] = kv
			continue
		}
		index[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// exitCodeAlreadyReported is the exit code cmd/run uses after it already showed
// the user an actionable error; the engine should then stop without adding one.
const exitCodeAlreadyReported = 32

// runResult maps a program exit code to (error message, bail).
func runResult(code int) (string, bool) {
	switch code {
	case 0:
		return "", false
	case exitCodeAlreadyReported:
		return "", true
	default:
		return fmt.Sprintf("Program exited with non-zero exit code: %d", code), false
	}
}

// resolveScript is the node -e program that prints the resolved path of a module.
func resolveScript(module, hint string) string {
	m, _ := json.Marshal(module)
	h, _ := json.Marshal(fmt.Sprintf("It looks like the Pulumi SDK has not been installed (cannot resolve %s). "+
		"Have you run %s?", module, hint))
	return "try { console.log(require.resolve(" + string(m) + ")); } catch (e) { " +
		"console.error(e && e.code === 'MODULE_NOT_FOUND' ? " + string(h) + " : String(e && e.message || e)); " +
		"process.exit(1); }"
}
