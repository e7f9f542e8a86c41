package main

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
)

type manifest struct {
	Source  string `json:"source"`
	Content string `json:"content"`
}

// maxIncludeDepth stops a template that includes itself, as Helm does.
const maxIncludeDepth = 1000

// helmFuncs adds Helm's own functions to sprig's; include and tpl need the template set.
func helmFuncs(set **template.Template) template.FuncMap {
	funcs := sprig.TxtFuncMap()
	depth := 0
	funcs["include"] = func(name string, data interface{}) (string, error) {
		depth++
		defer func() { depth-- }()
		if depth > maxIncludeDepth {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		var buf bytes.Buffer
		err := (*set).ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := (*set).Clone()
		if err != nil {
			return "", err
		}
		parsed, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf bytes.Buffer
		if err := parsed.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, errors.New(message)
		}
		if text, ok := value.(string); ok && text == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	funcs["fail"] = func(message string) (string, error) { return "", errors.New(message) }
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["fromJson"] = fromJSON
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return funcs
}

func parseTemplates(c *chart) (*template.Template, error) {
	var set *template.Template
	set = template.New("gotpl").Option("missingkey=zero").Funcs(helmFuncs(&set))
	for name, text := range c.templates {
		if _, err := set.New(name).Parse(text); err != nil {
			return nil, fmt.Errorf("parse error in %s", strings.TrimPrefix(err.Error(), "template: "))
		}
	}
	return set, nil
}

// renderTemplates executes every renderable template; empty output (a disabled object) is dropped.
func renderTemplates(c *chart, top map[string]interface{}) ([]manifest, error) {
	set, err := parseTemplates(c)
	if err != nil {
		return nil, err
	}
	var out []manifest
	for _, name := range c.renderable() {
		scope := make(map[string]interface{}, len(top)+1)
		for key, value := range top {
			scope[key] = value
		}
		scope["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Join(c.name, "templates")}
		var buf bytes.Buffer
		if err := set.ExecuteTemplate(&buf, name, scope); err != nil {
			return nil, err
		}
		content := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(content) != "" {
			out = append(out, manifest{Source: name, Content: content})
		}
	}
	return out, nil
}
