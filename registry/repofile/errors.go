package repofile

import "errors"

// ErrBadSignature means a file's signature does not verify with the
// repository's public key, or the file carries no signature: its content
// cannot be trusted.
var ErrBadSignature = errors.New("repofile: bad signature")

// ErrMalformed means a file or payload is not valid gzip or protobuf, or
// breaks a rule of the format (such as a retired index past the versions).
var ErrMalformed = errors.New("repofile: malformed repository file")

// ErrTooLarge means a file inflates past MaxFileSize; it is refused before
// it can exhaust memory.
var ErrTooLarge = errors.New("repofile: repository file too large")

// ErrBadOrigin means a payload names another repository or package than the
// one asked for, which is how a client notices a registry serving another
// registry's signed files (hex_core's bad_repo_name).
var ErrBadOrigin = errors.New("repofile: file is for another repository or package")
