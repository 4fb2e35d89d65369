package site

import (
	"reflect"
	"time"
)

// sizeDepth bounds how deep estimate follows a value's pointers, slices
// and fields: the values kept are pages, rows and lists of rows, a few
// levels deep; a deeper or cyclic value is counted down to this depth.
const sizeDepth = 8

var timeType = reflect.TypeFor[time.Time]()

// estimate is the bytes v keeps alive: its own and what its strings,
// slices, maps, pointers and interfaces refer to. Strings of any type
// count (template.HTML is a page's length); a time's zone is shared by
// every time and does not; what two parts of v share counts twice, which
// errs on the side of a smaller cache.
func estimate(v any) int {
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	return int(rv.Type().Size()) + referred(rv, 0)
}

// referred is the bytes v refers to, besides its own (inline) size.
func referred(v reflect.Value, depth int) int {
	if depth > sizeDepth {
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
		for i := range v.Len() {
			n += referred(v.Index(i), depth+1)
		}
		return n
	case reflect.Array:
		n := 0
		for i := range v.Len() {
			n += referred(v.Index(i), depth+1)
		}
		return n
	case reflect.Struct:
		if v.Type() == timeType {
			return 0
		}
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
