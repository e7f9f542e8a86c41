// helm-render renders a Helm 3 chart's templates the way `helm template` does, for tests on a
// machine where helm itself cannot be installed. It really executes the chart's templates with
// Go's text/template and github.com/Masterminds/sprig (the engine and function library Helm uses)
// plus Helm's own functions: include, tpl, required, fail, toYaml, fromYaml, toJson, fromJson,
// lookup (always empty, as in `helm template`).
//
// Values: the chart's values.yaml, then each --values file in order (YAML or JSON), merged as Helm
// coalesces them (maps merge key by key, a null removes a default). The merged values are checked
// against the chart's values.schema.json (see schema.go) before anything is rendered.
//
// Build (GOPATH mode, Debian packages, offline):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o helm-render .
//
// Usage:
//
//	helm-render --chart charts/kanary [--values my.yaml]... [--release kanary] [--namespace kanary-system] [--output yaml|json]
//
// Exit codes: 0 rendered; 1 values invalid or a template failed (message on stderr); 2 bad usage.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type options struct {
	chartDir  string
	values    stringList
	release   string
	namespace string
	output    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("helm-render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.chartDir, "chart", "", "chart directory (required)")
	fs.Var(&opts.values, "values", "values file (YAML or JSON), repeatable; later files win")
	fs.StringVar(&opts.release, "release", "kanary", "release name")
	fs.StringVar(&opts.namespace, "namespace", "default", "release namespace")
	fs.StringVar(&opts.output, "output", "yaml", "yaml (a `helm template` stream) or json")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if opts.chartDir == "" {
		return opts, fmt.Errorf("--chart is required")
	}
	if opts.output != "yaml" && opts.output != "json" {
		return opts, fmt.Errorf("--output must be yaml or json, got %q", opts.output)
	}
	return opts, nil
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helm-render:", err)
		os.Exit(2)
	}
	manifests, err := renderChart(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	if err := writeManifests(os.Stdout, manifests, opts.output); err != nil {
		fmt.Fprintln(os.Stderr, "helm-render:", err)
		os.Exit(1)
	}
}

// renderChart loads the chart, merges and validates the values and renders every template.
func renderChart(opts options) ([]manifest, error) {
	chart, err := loadChart(opts.chartDir)
	if err != nil {
		return nil, err
	}
	values := chart.defaults
	for _, file := range opts.values {
		override, err := readValuesFile(file)
		if err != nil {
			return nil, err
		}
		values = coalesce(override, values)
	}
	if chart.schema != nil {
		if problems := validateSchema(chart.schema, values, ""); len(problems) > 0 {
			sort.Strings(problems)
			return nil, fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n- %s",
				chart.name, strings.Join(problems, "\n- "))
		}
	}
	top := map[string]interface{}{
		"Values":       values,
		"Release":      map[string]interface{}{"Name": opts.release, "Namespace": opts.namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":        chart.metadata,
		"Capabilities": capabilities(),
	}
	return renderTemplates(chart, top)
}

func capabilities() map[string]interface{} {
	return map[string]interface{}{
		"KubeVersion": map[string]interface{}{"Version": "v1.20.2", "Major": "1", "Minor": "20", "GitVersion": "v1.20.2"},
		"APIVersions": apiVersions{},
		"HelmVersion": map[string]interface{}{"Version": "v3.13.0"},
	}
}

// apiVersions answers `.Capabilities.APIVersions.Has` as `helm template` does without a cluster:
// only for the built-in groups, so optional CRD-backed objects (ServiceMonitor) follow their value.
type apiVersions struct{}

func (apiVersions) Has(version string) bool {
	return version == "v1" || version == "apps/v1" || strings.HasPrefix(version, "rbac.authorization.k8s.io/v1")
}

func writeManifests(out io.Writer, manifests []manifest, format string) error {
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]interface{}{"manifests": manifests})
	}
	for _, m := range manifests {
		if _, err := fmt.Fprintf(out, "---\n# Source: %s\n%s\n", m.Source, strings.TrimSpace(m.Content)); err != nil {
			return err
		}
	}
	return nil
}

func readValuesFile(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return nil, fmt.Errorf("cannot read values file: %w", err)
	}
	values, err := parseYAMLMap(data)
	if err != nil {
		return nil, fmt.Errorf("values file %s: %w", path, err)
	}
	return values, nil
}
