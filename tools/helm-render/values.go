package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v2"
)

// normalise turns what yaml.v2 decodes (map[interface{}]interface{}, int) into what Helm's values
// are after sigs.k8s.io/yaml (map[string]interface{}, float64): a JSON round trip.
func normalise(value interface{}) (interface{}, error) {
	converted, err := stringKeys(value)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(converted)
	if err != nil {
		return nil, err
	}
	var out interface{}
	err = json.Unmarshal(data, &out)
	return out, err
}

func stringKeys(value interface{}) (interface{}, error) {
	switch v := value.(type) {
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(v))
		for key, item := range v {
			converted, err := stringKeys(item)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(key)] = converted
		}
		return out, nil
	case []interface{}:
		out := make([]interface{}, len(v))
		for i, item := range v {
			converted, err := stringKeys(item)
			if err != nil {
				return nil, err
			}
			out[i] = converted
		}
		return out, nil
	default:
		return v, nil
	}
}

// parseYAMLMap parses a YAML (or JSON) document whose top level must be a mapping; empty is {}.
func parseYAMLMap(data []byte) (map[string]interface{}, error) {
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return map[string]interface{}{}, nil
	}
	value, err := normalise(raw)
	if err != nil {
		return nil, err
	}
	out, ok := value.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("the top level must be a mapping, got %s", jsonTypeName(value))
	}
	return out, nil
}

// coalesce merges override over defaults as Helm does: maps merge key by key, any other value
// replaces the default, and an explicit null removes the key. Neither input is modified.
func coalesce(override, defaults map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(defaults)+len(override))
	for key, value := range defaults {
		out[key] = value
	}
	for key, value := range override {
		if value == nil {
			delete(out, key)
			continue
		}
		overMap, overIsMap := value.(map[string]interface{})
		baseMap, baseIsMap := out[key].(map[string]interface{})
		if overIsMap && baseIsMap {
			out[key] = coalesce(overMap, baseMap)
		} else {
			out[key] = value
		}
	}
	return out
}

// toYAML is Helm's toYaml: the value as block YAML (keys sorted), without the final newline.
func toYAML(value interface{}) string {
	normalised, err := normalise(value)
	if err != nil {
		return ""
	}
	data, err := yaml.Marshal(normalised)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// fromYAML is Helm's fromYaml: a mapping, or {"Error": message} when the text does not parse.
func fromYAML(text string) map[string]interface{} {
	out, err := parseYAMLMap([]byte(text))
	if err != nil {
		return map[string]interface{}{"Error": err.Error()}
	}
	return out
}

// fromJSON is Helm's fromJson: a mapping, or {"Error": message}.
func fromJSON(text string) map[string]interface{} {
	out := map[string]interface{}{}
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return map[string]interface{}{"Error": err.Error()}
	}
	return out
}
