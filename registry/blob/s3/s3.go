// Package s3 is a blob.Store in an S3 bucket (AWS S3 or an S3-compatible
// server such as versitygw or MinIO), so that several shipyard processes
// can serve one registry: each key is the object PREFIX/key.
//
// Put is one PutObject, which S3 makes visible whole or not at all; its
// body is the caller's reader when that can seek (so its length is known
// and the SDK can sign and checksum it), else a copy in an unlinked
// temporary file, never memory, so that a reader's error aborts the
// upload before anything is sent. No multipart upload is ever started,
// which caps a blob at S3's single-PUT limit of 5 GiB.
//
// Open is one GetObject whose response the File reads from; see File for
// how seeking and a replaced object are handled.
package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hexship/ship/registry/blob"
)

// Store is a blob.Store in an S3 bucket, under a key prefix.
type Store struct {
	client *awss3.Client
	loc    location
}

var _ blob.Store = (*Store)(nil)

// defaultRegion signs requests when neither the URL nor the environment
// names a region: S3-compatible servers accept it, and AWS redirects
// nothing for it that the SDK cannot follow.
const defaultRegion = "us-east-1"

// Open connects to the bucket that rawURL names,
//
//	s3://BUCKET[/PREFIX][?endpoint=http://HOST:PORT][&region=REGION][&path_style=true|false]
//
// with credentials from AWS's standard sources (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, a profile, an instance role). endpoint names an
// S3-compatible server (default: AWS); path_style defaults to true with an
// endpoint and false without one. Every key is stored as PREFIX/key.
//
// Open checks that the bucket exists and that the credentials may use it,
// so that a mistake shows when the server starts rather than on the first
// upload. Its errors name the bucket and the endpoint, never a secret.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	loc, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var opts []func(*config.LoadOptions) error
	if loc.region != "" {
		opts = append(opts, config.WithRegion(loc.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3 blob store: bucket %q at %s: loading the AWS configuration: %w", loc.bucket, loc.where(), err)
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	client := awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		if loc.endpoint != "" {
			o.BaseEndpoint = aws.String(loc.endpoint)
		}
		o.UsePathStyle = loc.pathStyle
		// Ranged GETs carry no whole-object checksum; the SDK would log
		// that it skipped the check on every one of them.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	s := &Store{client: client, loc: loc}
	if err := s.checkBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// checkBucket lists at most one key under the prefix and explains the
// usual failures. It lists rather than sends HeadBucket because a HEAD
// response has no body to tell a missing bucket from a refused key (some
// servers answer an unknown key with 404). Both need the same permission.
func (s *Store) checkBucket(ctx context.Context) error {
	_, err := s.client.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{
		Bucket:  aws.String(s.loc.bucket),
		Prefix:  aws.String(s.loc.prefix),
		MaxKeys: aws.Int32(1),
	})
	if err == nil {
		return nil
	}
	code, status := "", httpStatus(err)
	var api smithy.APIError
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	switch {
	case code == "NoSuchBucket" || status == http.StatusNotFound && code == "":
		return fmt.Errorf("s3 blob store: bucket %q does not exist at %s", s.loc.bucket, s.loc.where())
	case status == http.StatusForbidden || status == http.StatusUnauthorized || credentialCodes[code]:
		return fmt.Errorf("s3 blob store: bucket %q at %s refused these credentials "+
			"(check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the AWS profile): %w", s.loc.bucket, s.loc.where(), err)
	default:
		return fmt.Errorf("s3 blob store: bucket %q at %s: %w", s.loc.bucket, s.loc.where(), err)
	}
}

// credentialCodes are the error codes that mean the key or its signature
// was refused, whatever HTTP status came with them.
var credentialCodes = map[string]bool{
	"InvalidAccessKeyId":    true,
	"SignatureDoesNotMatch": true,
	"AccessDenied":          true,
	"XAdminUserNotFound":    true, // versitygw, with 404
}

// String says where the blobs are, without credentials.
func (s *Store) String() string {
	return "s3://" + s.loc.bucket + "/" + s.loc.prefix + " at " + s.loc.where()
}

// object returns the object key of a blob key.
func (s *Store) object(key string) *string {
	return aws.String(s.loc.prefix + key)
}

// Stat implements blob.Store with a HeadObject.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return blob.Info{}, err
	}
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.loc.bucket), Key: s.object(key)})
	if err != nil {
		return blob.Info{}, s.keyError(key, err)
	}
	return info(out.ContentLength, out.LastModified), nil
}

// Delete implements blob.Store with a DeleteObject.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(s.loc.bucket), Key: s.object(key)})
	if err != nil && !isNotFound(err) {
		return s.keyError(key, err)
	}
	return nil
}

// Leftovers lists the unfinished multipart uploads under the store's
// prefix, for blobtest.LeftoverLister. The store never starts one, so any
// it finds come from another program, or from an SDK change that made
// large PutObjects multipart behind its back.
func (s *Store) Leftovers() ([]string, error) {
	ctx := context.Background()
	in := &awss3.ListMultipartUploadsInput{Bucket: aws.String(s.loc.bucket), Prefix: aws.String(s.loc.prefix)}
	var left []string
	for {
		out, err := s.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("s3 blob store %s: listing unfinished uploads: %w", s, err)
		}
		for _, u := range out.Uploads {
			left = append(left, strings.TrimPrefix(aws.ToString(u.Key), s.loc.prefix))
		}
		if !aws.ToBool(out.IsTruncated) {
			return left, nil
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}

// keyError describes a failed request about key: blob.NotFound when the
// object is absent, else the SDK's error (which names the operation and
// the status, never a credential) with the key.
func (s *Store) keyError(key string, err error) error {
	if isNotFound(err) {
		return blob.NotFound(key)
	}
	return fmt.Errorf("s3 blob store: blob %q: %w", key, err)
}

// httpStatus returns the HTTP status of a failed request, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// isNotFound tells whether err says the object is absent. A missing bucket
// is not a missing blob: it is a broken store, so it stays an error.
func isNotFound(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket" {
		return false
	}
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	return errors.As(err, &noKey) || errors.As(err, &notFound) || httpStatus(err) == http.StatusNotFound
}
