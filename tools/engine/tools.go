//go:build tools

// Package tools pins the Pulumi CLI as a build dependency of this module so that
// `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` resolves it at the
// version required in go.mod (see scripts/engine.sh).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
