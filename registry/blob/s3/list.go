package s3

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hexship/ship/registry/blob"
)

// List implements blob.Store with ListObjectsV2 pages under the store's
// prefix followed by prefix. Objects whose name under the store's prefix
// is not a valid key (another program's, or a console's "folder/" marker)
// are skipped. S3 lists strongly consistently and in key order, so a key
// present throughout is on exactly one page.
func (s *Store) List(ctx context.Context, prefix string, fn func(key string, info blob.Info) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 && blob.ValidKey(prefix[:i]) != nil {
		return nil // no valid key starts with prefix
	}
	pages := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{
		Bucket: aws.String(s.loc.bucket),
		Prefix: aws.String(s.loc.prefix + prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("s3 blob store %s: listing %q: %w", s, prefix, err)
		}
		for _, o := range page.Contents {
			key, ok := strings.CutPrefix(aws.ToString(o.Key), s.loc.prefix)
			if !ok || blob.ValidKey(key) != nil {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(key, info(o.Size, o.LastModified)); err != nil {
				return err
			}
		}
	}
	return nil
}
