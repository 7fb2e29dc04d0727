package etf

import "fmt"

// Tags of the External Term Format, named as in Erlang's erl_ext_dist
// documentation.
const (
	versionMagic     = 131
	compressedTag    = 80
	newFloatExt      = 70
	bitBinaryExt     = 77
	atomCacheRef     = 82
	newPidExt        = 88
	newPortExt       = 89
	newerReferenceEx = 90
	smallIntegerExt  = 97
	integerExt       = 98
	floatExt         = 99
	atomExt          = 100
	referenceExt     = 101
	portExt          = 102
	pidExt           = 103
	smallTupleExt    = 104
	largeTupleExt    = 105
	nilExt           = 106
	stringExt        = 107
	listExt          = 108
	binaryExt        = 109
	smallBigExt      = 110
	largeBigExt      = 111
	newFunExt        = 112
	exportExt        = 113
	newReferenceExt  = 114
	smallAtomExt     = 115
	mapExt           = 116
	funExt           = 117
	atomUTF8Ext      = 118
	smallAtomUTF8Ext = 119
	v4PortExt        = 120
	localExt         = 121
)

var tagNames = map[byte]string{
	compressedTag:    "COMPRESSED",
	newFloatExt:      "NEW_FLOAT_EXT",
	bitBinaryExt:     "BIT_BINARY_EXT",
	atomCacheRef:     "ATOM_CACHE_REF",
	newPidExt:        "NEW_PID_EXT",
	newPortExt:       "NEW_PORT_EXT",
	newerReferenceEx: "NEWER_REFERENCE_EXT",
	smallIntegerExt:  "SMALL_INTEGER_EXT",
	integerExt:       "INTEGER_EXT",
	floatExt:         "FLOAT_EXT",
	atomExt:          "ATOM_EXT",
	referenceExt:     "REFERENCE_EXT",
	portExt:          "PORT_EXT",
	pidExt:           "PID_EXT",
	smallTupleExt:    "SMALL_TUPLE_EXT",
	largeTupleExt:    "LARGE_TUPLE_EXT",
	nilExt:           "NIL_EXT",
	stringExt:        "STRING_EXT",
	listExt:          "LIST_EXT",
	binaryExt:        "BINARY_EXT",
	smallBigExt:      "SMALL_BIG_EXT",
	largeBigExt:      "LARGE_BIG_EXT",
	newFunExt:        "NEW_FUN_EXT",
	exportExt:        "EXPORT_EXT",
	newReferenceExt:  "NEW_REFERENCE_EXT",
	smallAtomExt:     "SMALL_ATOM_EXT",
	mapExt:           "MAP_EXT",
	funExt:           "FUN_EXT",
	atomUTF8Ext:      "ATOM_UTF8_EXT",
	smallAtomUTF8Ext: "SMALL_ATOM_UTF8_EXT",
	v4PortExt:        "V4_PORT_EXT",
	localExt:         "LOCAL_EXT",
}

// tagName names a tag for error messages, with its number so that unknown
// tags are still identifiable.
func tagName(tag byte) string {
	if name, ok := tagNames[tag]; ok {
		return fmt.Sprintf("%s (tag %d)", name, tag)
	}
	return fmt.Sprintf("unknown tag %d", tag)
}
