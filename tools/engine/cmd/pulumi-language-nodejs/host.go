// Copyright 2026 powerplatform-iac contributors. Licensed under Apache-2.0.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// host implements pulumirpc.LanguageRuntimeServer. RPCs it does not support
// (code generation, packing, templates...) answer Unimplemented.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	flags hostFlags

	mu            sync.Mutex
	engineAddress string
	rootDirectory string
	cancelCtx     context.Context
	cancel        context.CancelFunc
}

func newHost(flags hostFlags) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{
		flags:         flags,
		engineAddress: flags.engineAddress,
		rootDirectory: flags.root,
		cancelCtx:     ctx,
		cancel:        cancel,
	}
}

func (h *host) cancelAll() { h.cancel() }

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	if req.RootDirectory != nil {
		h.rootDirectory = req.GetRootDirectory()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) options(info *pulumirpc.ProgramInfo) (nodeOptions, error) {
	var opts map[string]any
	if info != nil && info.GetOptions() != nil {
		opts = info.GetOptions().AsMap()
	}
	return parseNodeOptions(h.flags.options, opts)
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	found, err := findPluginPackages(programDir(req.GetInfo(), ""))
	if err != nil {
		// Like upstream: partial results are fine, problems are only diagnostics.
		fmt.Fprintf(os.Stderr, "warning: while looking for Pulumi plugins in node_modules: %v\n", err)
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range found {
		dep := &pulumirpc.PackageDependency{Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server}
		if p.ParamName != "" {
			dep.Parameterization = &pulumirpc.PackageParameterization{
				Name: p.ParamName, Version: p.ParamVersion, Value: p.ParamValue,
			}
		}
		resp.Packages = append(resp.Packages, dep)
	}
	return resp, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	found, err := findPluginPackages(programDir(req.GetInfo(), req.GetProgram()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "warning: while looking for Pulumi plugins in node_modules: %v\n", err)
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range found {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	deps, err := programDependencies(programDir(req.GetInfo(), req.GetProgram()), req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, d := range deps {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return resp, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"languageHost": "powerplatform-iac " + version.Version},
	}, nil
}

// streamWriter sends every Write as one message; safe for concurrent use.
type streamWriter struct {
	mu   *sync.Mutex
	send func([]byte) error
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.send(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	var mu sync.Mutex
	stdout := streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	}}
	stderr := streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	}}
	dir := programDir(req.GetInfo(), req.GetDirectory())
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		return nil // nothing to install
	}
	if st, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil && st.IsDir() {
		return nil // already installed
	}
	opts, err := h.options(req.GetInfo())
	if err != nil {
		return err
	}
	pm := detectPackageManager(dir, opts.packagemanager)
	bin, err := exec.LookPath(pm)
	if err != nil {
		return fmt.Errorf("could not find %s on the PATH: %w", pm, err)
	}
	fmt.Fprintf(stdout, "Installing dependencies with %s in %s...\n\n", pm, dir)
	cmd := exec.CommandContext(server.Context(), bin, "install")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s install failed: %w", pm, err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return nil
}

// resolveModule resolves a module (e.g. @pulumi/pulumi/cmd/run) from dir with node.
func resolveModule(ctx context.Context, node, dir, module, hint string) (string, error) {
	cmd := exec.CommandContext(ctx, node, "-e", resolveScript(module, hint))
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", errors.New(msg)
		}
		return "", fmt.Errorf("resolving %s from %s: %w", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// childCommand starts node so that cancelling ctx (the RPC going away or the
// Cancel RPC) interrupts it first and kills it if it does not stop.
func (h *host) childCommand(ctx context.Context, bin string, args []string) (*exec.Cmd, context.CancelFunc) {
	cctx, cancel := context.WithCancel(h.cancelCtx)
	stopAfter := context.AfterFunc(ctx, cancel)
	cmd := exec.CommandContext(cctx, bin, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	return cmd, func() { stopAfter(); cancel() }
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the PATH: " + err.Error()}, nil
	}
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	opts, err := h.options(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	if !filepath.IsAbs(runPath) {
		runPath, err = resolveModule(ctx, node, dir, runPath, "npm install (or pulumi install)")
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	root := info.GetRootDirectory()
	if root == "" {
		h.mu.Lock()
		root = h.rootDirectory
		h.mu.Unlock()
	}
	spec := runSpec{
		runPath:       runPath,
		monitor:       req.GetMonitorAddress(),
		engine:        h.engine(),
		organization:  req.GetOrganization(),
		project:       req.GetProject(),
		stack:         req.GetStack(),
		rootDirectory: root,
		pwd:           dir,
		dryRun:        req.GetDryRun(),
		parallel:      req.GetParallel(),
		tracing:       h.flags.tracing,
		entryPoint:    entry,
		programArgs:   req.GetArgs(),
		config:        req.GetConfig(),
		secretKeys:    req.GetConfigSecretKeys(),
		options:       opts,
	}
	extraEnv, err := runEnv(spec)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	cmd, release := h.childCommand(ctx, node, runArgs(spec))
	defer release()
	cmd.Dir = dir
	cmd.Env = mergeEnv(os.Environ(), extraEnv)
	// Node may switch its stdio to non-blocking mode; wrapping our files in a
	// plain io.Writer makes exec copy through pipes instead of sharing the fds.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code := exitErr.ExitCode()
			if code == -1 {
				return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + exitErr.Error()}, nil
			}
			msg, bail := runResult(code)
			return &pulumirpc.RunResponse{Error: msg, Bail: bail}, nil
		}
		return &pulumirpc.RunResponse{
			Error: "Problem executing program (could not run language executor): " + err.Error(),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the PATH: %w", err)
	}
	info := req.GetInfo()
	dir := programDir(info, req.GetProgram())
	opts, err := h.options(info)
	if err != nil {
		return err
	}
	module := pluginModule(req.GetKind())
	if !isAnalyzer(req.GetKind()) {
		if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
			module = p
		}
	}
	runPath := module
	if !filepath.IsAbs(runPath) {
		runPath, err = resolveModule(ctx, node, dir, module, "npm install in "+dir)
		if err != nil {
			return err
		}
	}
	spec := pluginSpec{
		kind: req.GetKind(), runPath: runPath, programDir: dir, pwd: req.GetPwd(),
		args: req.GetArgs(), env: req.GetEnv(), options: opts,
	}

	var mu sync.Mutex
	stdout := streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	stderr := streamWriter{&mu, func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}

	cmd, release := h.childCommand(ctx, node, pluginArgs(spec))
	defer release()
	cmd.Dir = pluginDir(spec)
	cmd.Env = pluginEnv(os.Environ(), spec)
	cmd.Stdout, cmd.Stderr = stdout, stderr

	code := int32(0)
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("could not run plugin %s: %w", dir, err)
		}
		code = int32(exitErr.ExitCode())
	}
	if ctx.Err() != nil {
		return nil // the engine hung up; nobody to tell
	}
	mu.Lock()
	defer mu.Unlock()
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}
