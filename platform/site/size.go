package site

import (
	"reflect"
	"sync"
	"time"
)

// sizeDepth bounds how deep estimate follows a value's pointers, slices
// and fields: the values kept are pages, rows and lists of rows, a few
// levels deep; a deeper or cyclic value is counted down to this depth.
const sizeDepth = 8

var timeType = reflect.TypeFor[time.Time]()

// estimate is the bytes v keeps alive: its own and what its strings,
// slices (up to their capacity), maps, pointers and interfaces refer to.
// Strings of any type count (template.HTML is a page's length); a time's
// zone is shared by every time and does not; what two parts of v share
// counts twice, which errs on the side of a smaller cache. It follows
// every pointer: a cached value must be plain data of its own, never
// holding a localizer, a template or anything else shared and changing.
func estimate(v any) int {
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	return int(rv.Type().Size()) + referred(rv, 0)
}

// referred is the bytes v refers to, besides its own (inline) size.
func referred(v reflect.Value, depth int) int {
	if depth > sizeDepth || !refers(v.Type()) {
		return 0
	}
	switch v.Kind() {
	case reflect.String:
		return v.Len()
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := v.Cap() * int(v.Type().Elem().Size())
		if refers(v.Type().Elem()) {
			// What lies past the length is kept alive too.
			whole := v.Slice(0, v.Cap())
			for i := range whole.Len() {
				n += referred(whole.Index(i), depth+1)
			}
		}
		return n
	case reflect.Array:
		n := 0
		for i := range v.Len() {
			n += referred(v.Index(i), depth+1)
		}
		return n
	case reflect.Struct:
		n := 0
		for i := range v.NumField() {
			n += referred(v.Field(i), depth+1)
		}
		return n
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		n := referred(e, depth+1)
		if v.Kind() == reflect.Pointer || e.Type().Size() > reflect.TypeFor[uintptr]().Size() {
			n += int(e.Type().Size()) // an interface holds a word inline, anything larger apart
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		t := v.Type()
		n := v.Len() * int(t.Key().Size()+t.Elem().Size()+8) // and a control byte and some slack per slot
		for it := v.MapRange(); it.Next(); {
			n += referred(it.Key(), depth+1) + referred(it.Value(), depth+1)
		}
		return n
	}
	return 0
}

// refersTo memoizes refers per type.
var refersTo sync.Map // reflect.Type → bool

// refers says whether a value of type t may refer to memory besides its
// own: a string, slice, map, pointer or interface, or an array or struct
// holding one. A time does not (its zone is shared), nor do functions and
// channels, which are not followed.
func refers(t reflect.Type) bool {
	if r, ok := refersTo.Load(t); ok {
		return r.(bool)
	}
	var r bool
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		r = true
	case reflect.Array:
		r = t.Len() > 0 && refers(t.Elem())
	case reflect.Struct:
		if t.ConvertibleTo(timeType) {
			break
		}
		for i := range t.NumField() {
			if refers(t.Field(i).Type) {
				r = true
				break
			}
		}
	}
	refersTo.Store(t, r)
	return r
}
