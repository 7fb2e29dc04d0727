package tokenstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// chunkSize is the most bytes of a secret one keyring entry holds. Windows
// refuses passwords over 2560 bytes, and macOS's limit is about 3 KB of
// base64 (the value is encoded before it is passed on), so 2000 bytes stays
// clear of both with room for the service and account names.
const chunkSize = 2000

// maxChunks caps a secret at about 128 KB: far above any credentials, low
// enough that a damaged header cannot send Get reading thousands of entries.
const maxChunks = 64

// headerPrefix starts the main entry of a secret split into chunks. A small
// secret that happens to start with it is chunked too, so the main entry is
// never ambiguous.
const headerPrefix = "ship-chunked-secret:"

// chunkUser names the keyring account holding chunk i (1-based) of the
// registry's secret. Registries are API URLs, which have no fragment, so no
// registry's own entry can collide with another's chunk.
func chunkUser(registry string, i int) string {
	return registry + "#chunk-" + strconv.Itoa(i)
}

// split cuts secret into the chunks stored under chunkUser(registry, 1..n)
// and the main entry's value. A secret that fits is its own main entry
// with no chunks.
func split(secret []byte) (main string, chunks []string) {
	if len(secret) <= chunkSize && !bytes.HasPrefix(secret, []byte(headerPrefix)) {
		return string(secret), nil
	}
	for rest := secret; len(rest) > 0; {
		n := min(chunkSize, len(rest))
		chunks = append(chunks, string(rest[:n]))
		rest = rest[n:]
	}
	return header(len(chunks), secret), chunks
}

// header is the main entry of a chunked secret: the number of chunks and a
// digest of the whole, so that Get can tell a complete secret from pieces
// of two different ones (a reader racing a writer).
func header(n int, secret []byte) string {
	sum := sha256.Sum256(secret)
	return fmt.Sprintf("%s%d:%s", headerPrefix, n, hex.EncodeToString(sum[:16]))
}

// parseHeader reads a main entry. ok is false for a secret stored whole;
// err is set for a header that is damaged.
func parseHeader(main string) (n int, digest string, ok bool, err error) {
	rest, ok := strings.CutPrefix(main, headerPrefix)
	if !ok {
		return 0, "", false, nil
	}
	count, digest, found := strings.Cut(rest, ":")
	n, convErr := strconv.Atoi(count)
	if !found || convErr != nil || n < 1 || n > maxChunks || len(digest) != 32 {
		return 0, "", true, fmt.Errorf("damaged chunk header %q", main)
	}
	return n, digest, true, nil
}

// matches reports whether secret is the one a header with this digest
// describes.
func matches(secret []byte, digest string) bool {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:16]) == digest
}
