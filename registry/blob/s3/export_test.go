package s3

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// Keys lists the blob keys under the store's prefix, so that tests can
// empty their prefix when they end.
func (s *Store) Keys(ctx context.Context) ([]string, error) {
	var keys []string
	pages := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{
		Bucket: aws.String(s.loc.bucket),
		Prefix: aws.String(s.loc.prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(o.Key), s.loc.prefix))
		}
	}
	return keys, nil
}
