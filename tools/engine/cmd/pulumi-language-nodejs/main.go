// Copyright 2026 powerplatform-iac contributors. Licensed under Apache-2.0.

// Command pulumi-language-nodejs is this project's own Node.js language host for
// the Pulumi engine. The upstream host module cannot be fetched from the Go module
// proxy on our machines, so we ship a small, independent implementation of the
// pulumirpc.LanguageRuntime service that covers what the project needs: running
// Node.js/TypeScript programs (cmd/run of @pulumi/pulumi), running Node.js policy
// packs and plugins (cmd/run-policy-pack, cmd/run-plugin), dependency discovery
// and installation.
//
// Protocol: the engine starts us with its address as the positional argument
// (older engines also pass flags such as -root/-tracing). We listen on
// 127.0.0.1 on a kernel-chosen port, print the port on stdout, and serve until
// the engine stops answering health checks or we get SIGINT/SIGTERM.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Same limit the engine uses for its own gRPC servers (400 MiB).
const maxMessageSize = 400 * 1024 * 1024

func main() {
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func serve(argv []string) error {
	for _, a := range argv {
		if a == "-version" || a == "--version" {
			fmt.Println(version.Version)
			return nil
		}
	}
	flags := parseHostFlags(argv)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if flags.engineAddress != "" {
		// Stop serving once the engine is gone.
		if err := rpcutil.Healthcheck(ctx, flags.engineAddress, time.Minute, stop); err != nil {
			return fmt.Errorf("starting engine health check: %w", err)
		}
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessageSize))
	host := newHost(flags)
	pulumirpc.RegisterLanguageRuntimeServer(srv, host)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(lis) }()

	// The engine reads the port from the first line of our stdout.
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)

	select {
	case err := <-done:
		host.cancelAll()
		return err
	case <-ctx.Done():
		host.cancelAll()
		stopped := make(chan struct{})
		go func() { srv.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			srv.Stop()
		}
		return nil
	}
}
