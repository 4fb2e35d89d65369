package console

import "github.com/piazza-pa/piazza/platform/i18n"

// field is one text field of the create form: its id (also its name and
// the last part of its messages console.field.<id> and <id>_help), input
// type, value and problem.
type field struct {
	L                      *i18n.Localizer
	ID, Kind, Value, Error string
	Required               bool
}

// Input is the create form's field id, of input type kind, holding value
// (required when "required" follows).
func (v *listView) Input(id, kind, value string, flags ...string) field {
	f := field{L: v.L, ID: id, Kind: kind, Value: value, Required: len(flags) > 0 && flags[0] == "required"}
	if v.Form.Field == id {
		f.Error = v.Form.FieldError
	}
	return f
}

// Field is a field of the tenant page's add-a-provider form.
func (v *tenantView) Field(id, kind, value string, required bool) field {
	return field{L: v.L, ID: id, Kind: kind, Value: value, Required: required, Error: v.Errors[id]}
}
