// Package storage is the S3 service that S3 Desk's windows call. It never
// imports fyne: every call takes a context first, returns typed values and
// reports failures as the sentinel or typed errors of errors.go.
package storage

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// DefaultRegion is used when neither the profile nor the environment names one.
const DefaultRegion = "us-east-1"

// Config says how to reach one S3 account. It is what a profile becomes when
// the user connects.
type Config struct {
	// Endpoint is the base URL of an S3-compatible service, for example
	// "http://127.0.0.1:9000". Empty means AWS itself (or AWS_ENDPOINT_URL_S3).
	Endpoint string
	// Region is the signing region. Empty means the shared config's region,
	// then DefaultRegion.
	Region string
	// PathStyle addresses buckets as endpoint/bucket instead of bucket.endpoint.
	PathStyle bool

	// Static credentials. When AccessKeyID is empty and AWSProfile is set,
	// the named profile of the AWS shared config resolves them instead.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// AWSProfile names a profile of ~/.aws/config (or AWS_CONFIG_FILE). The SDK
	// resolves it as the AWS CLI does: SSO, role_arn + source_profile,
	// credential_process.
	AWSProfile string

	// Compatibility sets request checksum calculation and response checksum
	// validation to "when required", on the S3 client and on the transfer
	// manager. Services such as R2, B2 and older MinIO/Ceph need it.
	Compatibility bool

	// Profile names the saved profile this account comes from (for the
	// resume journal, storage/account.go); "" for an unnamed connection.
	Profile string

	// Logger receives the SDK's log output. Nil discards it.
	Logger *slog.Logger
	// HTTPTimeout bounds connecting and waiting for response headers. Zero
	// means 30 seconds.
	HTTPTimeout time.Duration
}

// Service is a connection to one S3 account. It is safe for concurrent use.
type Service struct {
	cfg    Config
	awsCfg aws.Config
	client *s3.Client
	log    *slog.Logger

	mu      sync.Mutex
	regions map[string]string // bucket -> region, learned from HeadBucket

	// Multipart-copy threshold and part size; zero means the S3 limits
	// (copy.go). Tests lower them.
	copyThreshold, copyPart int64
}

// New builds a Service from cfg. It makes no network call; use
// CheckConnection to test that the account answers.
func New(ctx context.Context, cfg Config) (*Service, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &Error{Op: "connect", Kind: ErrInvalidArgument,
				Msg: fmt.Sprintf("the endpoint %q is not an http(s) URL; write it like https://s3.example.com", cfg.Endpoint)}
		}
	}
	timeout := cfg.HTTPTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	// A BuildableClient keeps the SDK able to load AWS_CA_BUNDLE into its
	// transport; a hand-made http.Transport would make LoadDefaultConfig fail.
	httpClient := awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) {
		d.Timeout = timeout
	}).WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = 256
		tr.MaxIdleConnsPerHost = 64
		tr.ResponseHeaderTimeout = timeout
		tr.TLSHandshakeTimeout = timeout
	})

	opts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(httpClient),
		config.WithLogger(slogAdapter{logger}),
		config.WithClientLogMode(0), // never log requests, headers or bodies
	}
	if cfg.AWSProfile != "" && cfg.AccessKeyID == "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.AWSProfile))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Compatibility {
		opts = append(opts,
			config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
			config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired))
	}
	var awsCfg aws.Config
	var err error
	if cfg.AccessKeyID != "" {
		awsCfg, err = staticConfig(cfg, httpClient, logger)
	} else {
		awsCfg, err = config.LoadDefaultConfig(ctx, opts...)
	}
	if err != nil {
		return nil, &Error{Op: "connect", Kind: ErrInvalidArgument,
			Msg: "could not load the AWS configuration: " + scrub(err.Error()) + "; check the profile name and ~/.aws/config", Err: err}
	}
	if awsCfg.Region == "" {
		awsCfg.Region = DefaultRegion
	}
	// One retry policy for static and linked profiles alike (retry.go); it
	// replaces any retry_mode or max_attempts of ~/.aws/config.
	awsCfg.Retryer = newRetryer
	awsCfg.RetryMaxAttempts = 0
	awsCfg.RetryMode = ""
	s := &Service{cfg: cfg, awsCfg: awsCfg, log: logger, regions: map[string]string{}}
	s.client = s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(strings.TrimRight(cfg.Endpoint, "/"))
		}
		o.UsePathStyle = cfg.PathStyle
		o.APIOptions = append(o.APIOptions, addRetryCounting)
	})
	return s, nil
}

// Region is the region the service signs with by default.
func (s *Service) Region() string { return s.awsCfg.Region }

// Endpoint is the configured endpoint, or "" for AWS.
func (s *Service) Endpoint() string { return s.cfg.Endpoint }

// PathStyle tells whether buckets are addressed as endpoint/bucket.
func (s *Service) PathStyle() bool { return s.cfg.PathStyle }

// Compatibility tells whether checksums are limited to "when required".
func (s *Service) Compatibility() bool { return s.cfg.Compatibility }

// Logger is the service's logger; it never receives secrets.
func (s *Service) Logger() *slog.Logger { return s.log }

// Credentials resolves the current credentials, for example to learn whether
// they are temporary and when they expire.
func (s *Service) Credentials(ctx context.Context) (aws.Credentials, error) {
	c, err := s.awsCfg.Credentials.Retrieve(ctx)
	if err != nil {
		return c, mapErr("resolve credentials", "", "", err)
	}
	return c, nil
}

// bucketOpts returns per-call options that send requests for bucket to its
// own region once that region is known.
func (s *Service) bucketOpts(bucket string) []func(*s3.Options) {
	s.mu.Lock()
	r, ok := s.regions[bucket]
	s.mu.Unlock()
	if !ok || r == "" || r == s.awsCfg.Region {
		return nil
	}
	return []func(*s3.Options){func(o *s3.Options) { o.Region = r }}
}

func (s *Service) rememberRegion(bucket, region string) {
	if bucket == "" || region == "" {
		return
	}
	s.mu.Lock()
	s.regions[bucket] = region
	s.mu.Unlock()
}

// staticConfig builds the SDK configuration of a profile with its own keys.
// Such a profile must not be steered by ~/.aws or AWS_PROFILE (the SDK's
// loader insists that a profile named in AWS_PROFILE exists, which would break
// every static profile for a user who sets it), so the loader is not used.
// AWS_CA_BUNDLE is honoured the way the loader does it (the bundle's
// certificates become the trusted roots); AWS_REGION and AWS_ENDPOINT_URL(_S3)
// only fill in what the profile leaves empty.
func staticConfig(cfg Config, httpClient *awshttp.BuildableClient, logger *slog.Logger) (aws.Config, error) {
	if path := os.Getenv("AWS_CA_BUNDLE"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return aws.Config{}, fmt.Errorf("read the CA bundle named by AWS_CA_BUNDLE: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return aws.Config{}, fmt.Errorf("the CA bundle %s named by AWS_CA_BUNDLE holds no PEM certificate", path)
		}
		httpClient = httpClient.WithTransportOptions(func(tr *http.Transport) {
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			tr.TLSClientConfig.RootCAs = pool
		})
	}
	region := cfg.Region
	for _, env := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region = os.Getenv(env)
		}
	}
	if region == "" {
		region = DefaultRegion
	}
	c := aws.Config{
		Region: region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)),
		HTTPClient:    httpClient,
		Logger:        slogAdapter{logger},
		ClientLogMode: 0, // never log requests, headers or bodies
	}
	// Without an endpoint of its own, the profile goes where the AWS CLI would.
	if cfg.Endpoint == "" && !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		for _, env := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
			if v := os.Getenv(env); v != "" {
				c.BaseEndpoint = aws.String(v)
				break
			}
		}
	}
	// Ask for and check response checksums as the loader does for linked
	// profiles (left unset, the SDK never sends x-amz-checksum-mode). In
	// compatibility mode the download and read paths still ask for them per
	// request (verify.go), which such servers ignore or honour.
	c.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
	if cfg.Compatibility {
		c.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		c.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}
	return c, nil
}
