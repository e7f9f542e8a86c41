package main

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

// validateSchema checks values against the subset of JSON Schema a values.schema.json needs:
// type, properties, required, additionalProperties (bool or schema), items, enum, minimum,
// maximum, minLength, pattern, minItems. Messages follow Helm's (gojsonschema's) wording:
// "<path>: Invalid type. Expected: integer, given: string". Unknown keywords are ignored.
func validateSchema(schema map[string]interface{}, value interface{}, at string) []string {
	if problem := checkType(schema, value, at); problem != "" {
		return []string{problem}
	}
	var problems []string
	problems = append(problems, checkEnum(schema, value, at)...)
	problems = append(problems, checkNumber(schema, value, at)...)
	problems = append(problems, checkString(schema, value, at)...)
	switch v := value.(type) {
	case map[string]interface{}:
		problems = append(problems, checkObject(schema, v, at)...)
	case []interface{}:
		problems = append(problems, checkArray(schema, v, at)...)
	}
	return problems
}

func label(at string) string {
	if at == "" {
		return "(root)"
	}
	return at
}

func child(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// jsonTypeName names a value's JSON type; a whole number is an integer, as gojsonschema says.
func jsonTypeName(value interface{}) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) && !math.IsInf(v, 0) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []interface{}:
		return "array"
	case map[string]interface{}:
		return "object"
	default:
		return fmt.Sprintf("%T", value)
	}
}

func schemaTypes(schema map[string]interface{}) []string {
	switch t := schema["type"].(type) {
	case string:
		return []string{t}
	case []interface{}:
		var out []string
		for _, item := range t {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func checkType(schema map[string]interface{}, value interface{}, at string) string {
	types := schemaTypes(schema)
	if len(types) == 0 {
		return ""
	}
	given := jsonTypeName(value)
	for _, t := range types {
		if t == given || (t == "number" && given == "integer") {
			return ""
		}
	}
	return fmt.Sprintf("%s: Invalid type. Expected: %s, given: %s", label(at), strings.Join(types, "/"), given)
}

func checkEnum(schema map[string]interface{}, value interface{}, at string) []string {
	options, ok := schema["enum"].([]interface{})
	if !ok {
		return nil
	}
	quoted := make([]string, len(options))
	for i, option := range options {
		if fmt.Sprint(option) == fmt.Sprint(value) && jsonTypeName(option) == jsonTypeName(value) {
			return nil
		}
		quoted[i] = fmt.Sprintf("%q", fmt.Sprint(option))
	}
	return []string{fmt.Sprintf("%s: %s must be one of the following: %s", label(at), label(at), strings.Join(quoted, ", "))}
}

func checkNumber(schema map[string]interface{}, value interface{}, at string) []string {
	n, ok := value.(float64)
	if !ok {
		return nil
	}
	if min, ok := schema["minimum"].(float64); ok && n < min {
		return []string{fmt.Sprintf("%s: Must be greater than or equal to %v", label(at), min)}
	}
	if max, ok := schema["maximum"].(float64); ok && n > max {
		return []string{fmt.Sprintf("%s: Must be less than or equal to %v", label(at), max)}
	}
	return nil
}

func checkString(schema map[string]interface{}, value interface{}, at string) []string {
	s, ok := value.(string)
	if !ok {
		return nil
	}
	if min, ok := schema["minLength"].(float64); ok && float64(len(s)) < min {
		return []string{fmt.Sprintf("%s: String length must be greater than or equal to %v", label(at), min)}
	}
	pattern, ok := schema["pattern"].(string)
	if !ok {
		return nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return []string{fmt.Sprintf("%s: schema pattern %q does not compile: %v", label(at), pattern, err)}
	}
	if !re.MatchString(s) {
		return []string{fmt.Sprintf("%s: Does not match pattern '%s'", label(at), pattern)}
	}
	return nil
}

func checkObject(schema map[string]interface{}, obj map[string]interface{}, at string) []string {
	var problems []string
	if required, ok := schema["required"].([]interface{}); ok {
		for _, name := range required {
			if key, ok := name.(string); ok {
				if _, present := obj[key]; !present {
					problems = append(problems, fmt.Sprintf("%s: %s is required", label(at), key))
				}
			}
		}
	}
	properties, _ := schema["properties"].(map[string]interface{})
	keys := make([]string, 0, len(obj))
	for key := range obj {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		problems = append(problems, checkProperty(schema, properties, key, obj[key], at)...)
	}
	return problems
}

func checkProperty(schema, properties map[string]interface{}, key string, value interface{}, at string) []string {
	if sub, ok := properties[key].(map[string]interface{}); ok {
		return validateSchema(sub, value, child(at, key))
	}
	switch extra := schema["additionalProperties"].(type) {
	case bool:
		if !extra {
			return []string{fmt.Sprintf("%s: Additional property %s is not allowed", label(at), key)}
		}
	case map[string]interface{}:
		return validateSchema(extra, value, child(at, key))
	}
	return nil
}

func checkArray(schema map[string]interface{}, items []interface{}, at string) []string {
	var problems []string
	if min, ok := schema["minItems"].(float64); ok && float64(len(items)) < min {
		problems = append(problems, fmt.Sprintf("%s: Array must have at least %v items", label(at), min))
	}
	itemSchema, ok := schema["items"].(map[string]interface{})
	if !ok {
		return problems
	}
	for i, item := range items {
		problems = append(problems, validateSchema(itemSchema, item, child(at, fmt.Sprint(i)))...)
	}
	return problems
}
