package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type chart struct {
	dir      string
	name     string
	metadata map[string]interface{}
	defaults map[string]interface{}
	schema   map[string]interface{}
	// templates maps "<chart>/templates/<file>" to the file's text, helpers included.
	templates map[string]string
}

// chartMetadata turns Chart.yaml's lower-case keys into the capitalised fields templates use
// (.Chart.Name, .Chart.Version, .Chart.AppVersion), as Helm's chart.Metadata does.
func chartMetadata(raw map[string]interface{}) map[string]interface{} {
	meta := map[string]interface{}{}
	for key, value := range raw {
		if key == "" {
			continue
		}
		meta[strings.ToUpper(key[:1])+key[1:]] = value
	}
	return meta
}

func loadChart(dir string) (*chart, error) {
	chartYAML, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("not a chart: %w", err)
	}
	raw, err := parseYAMLMap(chartYAML)
	if err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	name, _ := raw["name"].(string)
	if name == "" {
		return nil, fmt.Errorf("Chart.yaml: name is required")
	}
	c := &chart{dir: dir, name: name, metadata: chartMetadata(raw), defaults: map[string]interface{}{}}
	if err := c.loadValues(); err != nil {
		return nil, err
	}
	if err := c.loadTemplates(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *chart) loadValues() error {
	if data, err := os.ReadFile(filepath.Join(c.dir, "values.yaml")); err == nil {
		values, err := parseYAMLMap(data)
		if err != nil {
			return fmt.Errorf("values.yaml: %w", err)
		}
		c.defaults = values
	}
	if data, err := os.ReadFile(filepath.Join(c.dir, "values.schema.json")); err == nil {
		schema, err := parseYAMLMap(data)
		if err != nil {
			return fmt.Errorf("values.schema.json: %w", err)
		}
		c.schema = schema
	}
	return nil
}

func (c *chart) loadTemplates() error {
	dir := filepath.Join(c.dir, "templates")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("chart has no templates/: %w", err)
	}
	c.templates = map[string]string{}
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			return err
		}
		c.templates[c.name+"/templates/"+entry.Name()] = string(data)
	}
	return nil
}

// renderable lists the templates that produce manifests: not partials (_*), not NOTES.txt.
func (c *chart) renderable() []string {
	var names []string
	for name := range c.templates {
		base := filepath.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
