// Copyright 2026 powerplatform-iac contributors. Licensed under Apache-2.0.

package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseHostFlags(t *testing.T) {
	f := parseHostFlags([]string{
		"-root=/proj", "-tracing", "http://zipkin", "--typescript=false", "-tsconfig", "tsconfig.prod.json",
		"-nodeargs=--max-old-space-size=4096 --trace-warnings", "-packagemanager=npm",
		"-some-new-flag=1", "-verbose", "127.0.0.1:4242",
	})
	if f.engineAddress != "127.0.0.1:4242" || f.root != "/proj" || f.tracing != "http://zipkin" {
		t.Fatalf("unexpected flags: %+v", f)
	}
	want := map[string]any{
		"typescript": false, "tsconfig": "tsconfig.prod.json",
		"nodeargs": "--max-old-space-size=4096 --trace-warnings", "packagemanager": "npm",
	}
	if !reflect.DeepEqual(f.options, want) {
		t.Fatalf("options = %#v, want %#v", f.options, want)
	}
	if !reflect.DeepEqual(f.ignored, []string{"-some-new-flag=1", "-verbose"}) {
		t.Fatalf("ignored = %#v", f.ignored)
	}
}

func TestParseHostFlagsOnlyAddress(t *testing.T) {
	f := parseHostFlags([]string{"127.0.0.1:1"})
	if f.engineAddress != "127.0.0.1:1" || len(f.options) != 0 || len(f.ignored) != 0 {
		t.Fatalf("unexpected flags: %+v", f)
	}
	if f := parseHostFlags([]string{"-typescript", "127.0.0.1:2"}); f.engineAddress != "127.0.0.1:2" ||
		f.options["typescript"] != true {
		t.Fatalf("bool flag must not swallow the address: %+v", f)
	}
}

func TestParseNodeOptions(t *testing.T) {
	o, err := parseNodeOptions(nil, nil)
	if err != nil || !o.typescript || o.packagemanager != "auto" || o.tsconfig != "" || o.nodeargs != nil {
		t.Fatalf("defaults: %+v %v", o, err)
	}
	// ProgramInfo options override flag defaults.
	o, err = parseNodeOptions(
		map[string]any{"typescript": true, "tsconfig": "a.json"},
		map[string]any{"typescript": false, "nodeargs": "--inspect 'a b'", "packagemanager": "pnpm"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if o.typescript || o.tsconfig != "a.json" || o.packagemanager != "pnpm" ||
		!reflect.DeepEqual(o.nodeargs, []string{"--inspect", "a b"}) {
		t.Fatalf("merged: %+v", o)
	}
	for _, bad := range []map[string]any{
		{"typescript": 3.0}, {"tsconfig": true}, {"nodeargs": 1.0}, {"packagemanager": "maven"},
	} {
		if _, err := parseNodeOptions(nil, bad); err == nil {
			t.Errorf("expected an error for %v", bad)
		}
	}
}

func TestRunArgs(t *testing.T) {
	s := runSpec{
		runPath: "/nm/@pulumi/pulumi/cmd/run/index.js", monitor: "127.0.0.1:1", engine: "127.0.0.1:2",
		organization: "org", project: "proj", stack: "dev", rootDirectory: "/root", pwd: "/root/prog",
		dryRun: true, parallel: 16, entryPoint: ".", programArgs: []string{"x"},
		options: nodeOptions{nodeargs: []string{"--no-warnings"}},
	}
	want := []string{
		"--no-warnings", "/nm/@pulumi/pulumi/cmd/run/index.js",
		"--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--organization", "org", "--project", "proj",
		"--root-directory", "/root", "--stack", "dev", "--pwd", "/root/prog", "--dry-run", "--parallel", "16",
		".", "x",
	}
	if got := runArgs(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("runArgs:\n got %q\nwant %q", got, want)
	}
	// Empty values are omitted, no --dry-run on update, entry point defaults to ".".
	got := runArgs(runSpec{runPath: "run", monitor: "m", tracing: "http://t"})
	want = []string{"run", "--monitor", "m", "--parallel", "0", "--tracing", "http://t", "."}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("runArgs minimal:\n got %q\nwant %q", got, want)
	}
}

func TestRunEnv(t *testing.T) {
	env, err := runEnv(runSpec{
		config:     map[string]string{"proj:name": "a", "aws:region": "x"},
		secretKeys: []string{"proj:z", "proj:a"},
		options:    nodeOptions{typescript: true, tsconfig: "tsconfig.build.json"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`PULUMI_CONFIG={"aws:region":"x","proj:name":"a"}`,
		`PULUMI_CONFIG_SECRET_KEYS=["proj:a","proj:z"]`,
		"PULUMI_NODEJS_TYPESCRIPT=true",
		"PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.build.json",
	}
	if !reflect.DeepEqual(env, want) {
		t.Fatalf("runEnv:\n got %q\nwant %q", env, want)
	}
	env, _ = runEnv(runSpec{})
	if !reflect.DeepEqual(env, []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]"}) {
		t.Fatalf("empty runEnv: %q", env)
	}
}

func TestPluginArgsAndDir(t *testing.T) {
	analyzer := pluginSpec{
		kind: "analyzer", runPath: "rpp", programDir: "/policy", pwd: "/prog",
		args: []string{"127.0.0.1:9"}, options: nodeOptions{typescript: true},
	}
	if got := pluginArgs(analyzer); !reflect.DeepEqual(got, []string{"rpp", "127.0.0.1:9", "/policy"}) {
		t.Fatalf("analyzer args: %q", got)
	}
	if pluginDir(analyzer) != "/policy" {
		t.Fatalf("analyzer dir: %s", pluginDir(analyzer))
	}
	if pluginModule("analyzer") != "@pulumi/pulumi/cmd/run-policy-pack" ||
		pluginModule("resource") != "@pulumi/pulumi/cmd/run-plugin" {
		t.Fatal("plugin modules")
	}
	res := pluginSpec{kind: "resource", runPath: "rp", programDir: "/prov", pwd: "/prog", args: []string{"a"}}
	if got := pluginArgs(res); !reflect.DeepEqual(got, []string{"rp", "/prov", "a"}) {
		t.Fatalf("resource args: %q", got)
	}
	if pluginDir(res) != "/prog" {
		t.Fatalf("resource dir: %s", pluginDir(res))
	}
}

func TestPluginEnvMerges(t *testing.T) {
	got := pluginEnv(
		[]string{"PATH=/bin", "A=1", "PULUMI_NODEJS_TYPESCRIPT=false"},
		pluginSpec{env: []string{"A=2", "B=3"}, options: nodeOptions{typescript: true}},
	)
	want := []string{"PATH=/bin", "A=2", "PULUMI_NODEJS_TYPESCRIPT=true", "B=3"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("pluginEnv:\n got %q\nwant %q", got, want)
	}
}

func TestRunResult(t *testing.T) {
	if msg, bail := runResult(0); msg != "" || bail {
		t.Fatal("0")
	}
	if msg, bail := runResult(32); msg != "" || !bail {
		t.Fatal("32 must bail without a message")
	}
	if msg, bail := runResult(1); bail || msg != "Program exited with non-zero exit code: 1" {
		t.Fatalf("1: %q", msg)
	}
}

func TestResolveScriptQuotes(t *testing.T) {
	s := resolveScript("@pulumi/pulumi/cmd/run", "npm install in /a'b")
	if !strings.Contains(s, `require.resolve("@pulumi/pulumi/cmd/run")`) || strings.Contains(s, "\n") {
		t.Fatalf("script: %s", s)
	}
}

func writeJSON(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindPluginPackages(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "package.json"), `{"name":"prog","pulumi":{"resource":true}}`)
	nm := filepath.Join(dir, "node_modules")
	writeJSON(t, filepath.Join(nm, "@pulumi", "pulumi", "package.json"), `{"name":"@pulumi/pulumi","version":"3.259.0"}`)
	writeJSON(t, filepath.Join(nm, "@pulumi", "random", "package.json"),
		`{"name":"@pulumi/random","version":"4.1.0","pulumi":{"resource":true}}`)
	writeJSON(t, filepath.Join(nm, "acme-provider", "package.json"),
		`{"name":"acme-provider","version":"1.0.0","pulumi":{"resource":true,"name":"acme","version":"v2.0.0","server":"https://x"}}`)
	writeJSON(t, filepath.Join(nm, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n")
	writeJSON(t, filepath.Join(nm, "policy", "node_modules", "@pulumi", "aws", "package.json"),
		`{"name":"@pulumi/aws","version":"6.0.0","pulumi":{"resource":true}}`)
	got, err := findPluginPackages(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []pluginPackage{
		{Name: "acme", Version: "v2.0.0", Server: "https://x"},
		{Name: "random", Version: "v4.1.0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v want %+v", got, want)
	}

	empty := t.TempDir()
	if got, err := findPluginPackages(empty); err != nil || len(got) != 0 {
		t.Fatalf("empty dir: %v %v", got, err)
	}
}

func TestProgramDependencies(t *testing.T) {
	root := t.TempDir()
	writeJSON(t, filepath.Join(root, "node_modules", "@pulumi", "pulumi", "package.json"), `{"version":"3.259.0"}`)
	prog := filepath.Join(root, "prog")
	writeJSON(t, filepath.Join(prog, "package.json"),
		`{"dependencies":{"@pulumi/pulumi":"^3"},"devDependencies":{"typescript":"^5"}}`)
	got, err := programDependencies(prog, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []dependency{{"@pulumi/pulumi", "3.259.0"}, {"typescript", "^5"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v want %+v", got, want)
	}
	got, err = programDependencies(prog, true)
	if err != nil || !reflect.DeepEqual(got, []dependency{{"@pulumi/pulumi", "3.259.0"}}) {
		t.Fatalf("transitive: %+v %v", got, err)
	}
}

func TestDetectPackageManager(t *testing.T) {
	dir := t.TempDir()
	if pm := detectPackageManager(dir, "auto"); pm != "npm" {
		t.Fatalf("default: %s", pm)
	}
	writeJSON(t, filepath.Join(dir, "yarn.lock"), "")
	if pm := detectPackageManager(filepath.Join(dir, "sub"), "auto"); pm != "yarn" {
		t.Fatalf("yarn: %s", pm)
	}
	if pm := detectPackageManager(dir, "pnpm"); pm != "pnpm" {
		t.Fatalf("explicit: %s", pm)
	}
}
