// Copyright 2026 powerplatform-iac contributors. Licensed under Apache-2.0.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// packageJSON is the part of a package.json this host reads.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          *struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   []byte `json:"value"`
		} `json:"parameterization"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &p, nil
}

// pluginPackage is a Node package that declares a Pulumi resource plugin.
type pluginPackage struct {
	Name, Version, Server string
	ParamName             string
	ParamVersion          string
	ParamValue            []byte
}

// pluginFromPackage applies the upstream naming rules: `pulumi.name` wins; else
// an `@pulumi/x` package is plugin `x`; other packages must set `pulumi.name`.
func pluginFromPackage(p *packageJSON) (*pluginPackage, error) {
	if p.Pulumi == nil || !p.Pulumi.Resource {
		return nil, nil
	}
	name := p.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(p.Name, "@pulumi/") {
			return nil, fmt.Errorf("package %q declares a Pulumi resource plugin but no \"pulumi.name\"", p.Name)
		}
		name = strings.TrimPrefix(p.Name, "@pulumi/")
	}
	version := p.Pulumi.Version
	if version == "" {
		version = p.Version
	}
	if version == "" {
		return nil, fmt.Errorf("package %q has no version", p.Name)
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	pp := &pluginPackage{Name: name, Version: version, Server: p.Pulumi.Server}
	if pz := p.Pulumi.Parameterization; pz != nil {
		pp.ParamName, pp.ParamVersion, pp.ParamValue = pz.Name, pz.Version, pz.Value
	}
	return pp, nil
}

// findPluginPackages walks dir (deeply) and returns the plugin packages found
// in package.json files that live inside a node_modules tree. Symlinks are
// followed once; nested policy packs are skipped (their plugins are not the
// program's). Errors on individual entries are collected, not fatal.
func findPluginPackages(dir string) ([]pluginPackage, error) {
	var found []pluginPackage
	var errs []error
	seen := map[string]bool{}
	var walk func(dir string, inNodeModules bool)
	walk = func(dir string, inNodeModules bool) {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			errs = append(errs, err)
			return
		}
		if seen[real] {
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, err)
			return
		}
		childInNodeModules := inNodeModules || filepath.Base(dir) == "node_modules"
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				st, err := os.Stat(path)
				if err != nil {
					continue // dangling link
				}
				isDir = st.IsDir()
			}
			if isDir {
				if _, err := os.Stat(filepath.Join(path, "PulumiPolicy.yaml")); err == nil {
					continue
				}
				if e.Name() == ".git" {
					continue
				}
				walk(path, childInNodeModules)
				continue
			}
			if !inNodeModules || e.Name() != "package.json" {
				continue
			}
			p, err := readPackageJSON(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			pp, err := pluginFromPackage(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if pp != nil {
				found = append(found, *pp)
			}
		}
	}
	walk(dir, false)
	sort.SliceStable(found, func(i, j int) bool { return found[i].Name < found[j].Name })
	return found, errors.Join(errs...)
}

// dependency is one installed Node package.
type dependency struct{ Name, Version string }

// installedVersion finds <name>/package.json in the node_modules of dir or its ancestors.
func installedVersion(dir, name string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		p, err := readPackageJSON(filepath.Join(d, "node_modules", name, "package.json"))
		if err == nil {
			return p.Version, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// programDependencies lists the program's declared dependencies with their
// installed versions (or the declared range when not installed). With
// transitive it lists every package in the nearest node_modules instead.
func programDependencies(dir string, transitive bool) ([]dependency, error) {
	var deps []dependency
	if transitive {
		for d := dir; ; d = filepath.Dir(d) {
			nm := filepath.Join(d, "node_modules")
			if st, err := os.Stat(nm); err == nil && st.IsDir() {
				entries, _ := os.ReadDir(nm)
				for _, e := range entries {
					names := []string{e.Name()}
					if strings.HasPrefix(e.Name(), "@") {
						names = nil
						scoped, _ := os.ReadDir(filepath.Join(nm, e.Name()))
						for _, s := range scoped {
							names = append(names, e.Name()+"/"+s.Name())
						}
					} else if strings.HasPrefix(e.Name(), ".") {
						continue
					}
					for _, n := range names {
						if p, err := readPackageJSON(filepath.Join(nm, n, "package.json")); err == nil {
							deps = append(deps, dependency{Name: n, Version: p.Version})
						}
					}
				}
				return deps, nil
			}
			if filepath.Dir(d) == d {
				return deps, nil
			}
		}
	}
	pkgDir := dir
	var pkg *packageJSON
	for {
		p, err := readPackageJSON(filepath.Join(pkgDir, "package.json"))
		if err == nil {
			pkg = p
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if filepath.Dir(pkgDir) == pkgDir {
			return nil, nil
		}
		pkgDir = filepath.Dir(pkgDir)
	}
	declared := map[string]string{}
	for k, v := range pkg.DevDependencies {
		declared[k] = v
	}
	for k, v := range pkg.Dependencies {
		declared[k] = v
	}
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v, ok := installedVersion(pkgDir, n)
		if !ok {
			v = declared[n]
		}
		deps = append(deps, dependency{Name: n, Version: v})
	}
	return deps, nil
}

// detectPackageManager picks the package manager for `auto` from lock files.
func detectPackageManager(dir, configured string) string {
	if configured != "" && configured != "auto" {
		return configured
	}
	for d := dir; ; d = filepath.Dir(d) {
		for _, c := range []struct{ file, pm string }{
			{"package-lock.json", "npm"}, {"yarn.lock", "yarn"}, {"pnpm-lock.yaml", "pnpm"},
			{"bun.lock", "bun"}, {"bun.lockb", "bun"},
		} {
			if _, err := os.Stat(filepath.Join(d, c.file)); err == nil {
				return c.pm
			}
		}
		if filepath.Dir(d) == d {
			return "npm"
		}
	}
}
