// Package profiles keeps the ways a person connects to S3: named profiles
// whose plain fields live in a JSON file (mode 0600, written atomically) and
// whose secrets live only in the OS keychain, provider presets, links to
// named profiles of the AWS shared config, and import from ~/.aws.
package profiles

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// Provider is the kind of service a profile connects to.
type Provider string

// Providers.
const (
	ProviderAWS     Provider = "aws"
	ProviderR2      Provider = "r2"
	ProviderB2      Provider = "b2"
	ProviderWasabi  Provider = "wasabi"
	ProviderMinIO   Provider = "minio"
	ProviderOther   Provider = "other"
	ProviderSandbox Provider = "sandbox"
)

// SandboxName is the name of the built-in profile of the local sandbox
// (storage/sandbox). It is always listed first and cannot be deleted or
// edited.
const SandboxName = "Local sandbox"

// Preset holds a provider's known defaults. EndpointHint may hold a
// placeholder such as <account-id> or <region>; ExpandEndpoint fills it.
type Preset struct {
	Provider      Provider
	Label         string
	EndpointHint  string
	Region        string
	PathStyle     bool
	Compatibility bool
	// Help is one line for the profile form.
	Help string
}

var presets = []Preset{
	{Provider: ProviderAWS, Label: "Amazon S3", Region: "us-east-1",
		Help: "Leave the endpoint empty. Use access keys, or link a profile of ~/.aws/config (SSO, roles, credential_process)."},
	{Provider: ProviderR2, Label: "Cloudflare R2", EndpointHint: "https://<account-id>.r2.cloudflarestorage.com", Region: "auto", PathStyle: true, Compatibility: true,
		Help: "Your account ID is on the R2 overview page; create an API token with R2 read/write permission for the keys."},
	{Provider: ProviderB2, Label: "Backblaze B2", EndpointHint: "https://s3.<region>.backblazeb2.com", Region: "us-west-004", Compatibility: true,
		Help: "The region is in the bucket's S3 endpoint, e.g. us-west-004; use an application key (keyID and applicationKey)."},
	{Provider: ProviderWasabi, Label: "Wasabi", EndpointHint: "https://s3.<region>.wasabisys.com", Region: "us-east-1",
		Help: "Use the endpoint of the region your buckets are in, e.g. s3.eu-central-1.wasabisys.com."},
	{Provider: ProviderMinIO, Label: "MinIO", EndpointHint: "http://127.0.0.1:9000", Region: "us-east-1", PathStyle: true, Compatibility: true,
		Help: "The API port (9000 by default), not the console port."},
	{Provider: ProviderOther, Label: "Other S3-compatible", EndpointHint: "https://", Region: "us-east-1", PathStyle: true, Compatibility: true,
		Help: "Ceph, versitygw, Garage, SeaweedFS, ...: the service's S3 endpoint URL."},
}

// Presets lists the provider presets in the order a form should offer them.
// The sandbox is not among them: it is a built-in profile.
func Presets() []Preset { return slices.Clone(presets) }

// PresetFor returns the preset of a provider.
func PresetFor(p Provider) (Preset, bool) {
	for _, x := range presets {
		if x.Provider == p {
			return x, true
		}
	}
	return Preset{}, false
}

// ExpandEndpoint fills a preset's endpoint placeholder: the account ID for
// R2, the region for B2 and Wasabi. Other providers return the hint as is.
func (p Preset) ExpandEndpoint(value string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		return p.EndpointHint
	}
	h := p.EndpointHint
	h = strings.ReplaceAll(h, "<account-id>", value)
	h = strings.ReplaceAll(h, "<region>", value)
	return h
}

// Profile is one way to connect. It never holds a secret: the secret access
// key and session token live in the keychain (or, for this session only, in
// memory).
type Profile struct {
	Name     string   `json:"name"`
	Provider Provider `json:"provider"`
	Endpoint string   `json:"endpoint,omitempty"`
	Region   string   `json:"region,omitempty"`
	// PathStyle addresses buckets as endpoint/bucket.
	PathStyle bool `json:"path_style,omitempty"`
	// AccessKeyID is set for profiles with their own static keys; the
	// secret is in the keychain.
	AccessKeyID string `json:"access_key_id,omitempty"`
	// AWSProfile links a named profile of the AWS shared config instead of
	// static keys; the SDK resolves its credentials, region and endpoint.
	AWSProfile string `json:"aws_profile,omitempty"`
	// Compatibility limits checksums to "when required" (R2, B2, MinIO...).
	Compatibility bool `json:"compatibility,omitempty"`
	// AllowInsecureHTTP permits a plain http:// endpoint on another host.
	AllowInsecureHTTP bool `json:"allow_insecure_http,omitempty"`
	// HasSessionToken tells that the stored secret includes a session token
	// (temporary credentials, which expire).
	HasSessionToken bool `json:"has_session_token,omitempty"`
	// DefaultBucket and DefaultPrefix are opened when the profile connects
	// (optional; see buckets.go).
	DefaultBucket string `json:"default_bucket,omitempty"`
	DefaultPrefix string `json:"default_prefix,omitempty"`
	// OpenedBuckets are the buckets opened by name, for accounts that may not
	// list their buckets (RememberBucket).
	OpenedBuckets []string `json:"opened_buckets,omitempty"`
	// BuiltIn marks the sandbox profile, which cannot be edited or deleted.
	BuiltIn bool `json:"-"`
}

// UsesKeychain tells whether the profile's secret lives in the keychain.
func (p Profile) UsesKeychain() bool { return p.AccessKeyID != "" }

// Secret is what goes to the keychain, never to the profiles file.
type Secret struct {
	SecretAccessKey string `json:"secret_access_key"`
	SessionToken    string `json:"session_token,omitempty"`
}

// normalize trims what a person may have typed around the values.
func normalize(p Profile) Profile {
	p.Name = strings.TrimSpace(p.Name)
	p.Endpoint = strings.TrimRight(strings.TrimSpace(p.Endpoint), "/")
	p.Region = strings.TrimSpace(p.Region)
	p.AWSProfile = strings.TrimSpace(p.AWSProfile)
	p.DefaultBucket, p.DefaultPrefix = normalizePlace(p.DefaultBucket, p.DefaultPrefix)
	if p.Provider == "" {
		if p.Endpoint == "" {
			p.Provider = ProviderAWS
		} else {
			p.Provider = ProviderOther
		}
	}
	return p
}

// Validate checks a profile as a person typed it. It returns an error
// wrapping ErrInvalid (or ErrInsecure) with a sentence that names the field
// and says what to do, and warnings the form should show but that do not
// stop saving. It does not check for duplicate names; the Store does.
func Validate(p Profile) (warnings []string, err error) {
	p = normalize(p)
	invalid := func(field, format string, a ...any) error {
		return &Error{Kind: ErrInvalid, Field: field, Msg: fmt.Sprintf(format, a...)}
	}
	switch {
	case p.Name == "":
		return nil, invalid("name", "the profile needs a name")
	case len(p.Name) > 100:
		return nil, invalid("name", "the profile name is too long (%d characters); use at most 100", len(p.Name))
	case strings.IndexFunc(p.Name, unicode.IsControl) >= 0:
		return nil, invalid("name", "the profile name contains a control character; use letters, digits, spaces and punctuation")
	}
	if err := validateDefaults(p); err != nil {
		return nil, err
	}
	if p.Provider == ProviderSandbox {
		return nil, invalid("provider", "the sandbox is a built-in profile; choose another provider")
	}
	preset, ok := PresetFor(p.Provider)
	if !ok {
		return nil, invalid("provider", "unknown provider %q; choose one of aws, r2, b2, wasabi, minio, other", p.Provider)
	}
	if p.AccessKeyID != "" && p.AWSProfile != "" {
		return nil, invalid("aws_profile", "use either access keys or a linked AWS profile, not both; clear one of them")
	}
	if strings.IndexFunc(p.AccessKeyID, unicode.IsSpace) >= 0 {
		return nil, invalid("access_key_id", "the access key ID contains a space or line break; paste it again without spaces")
	}
	if strings.IndexFunc(p.AccessKeyID, unicode.IsControl) >= 0 || strings.ContainsAny(p.AccessKeyID, "/=") {
		return nil, invalid("access_key_id", "the access key ID contains a character keys never have; paste the key ID, not the secret")
	}
	if strings.IndexFunc(p.AWSProfile, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '[' || r == ']' }) >= 0 {
		return nil, invalid("aws_profile", "the AWS profile name %q has spaces or brackets; write it as in [profile NAME] of ~/.aws/config, without \"profile\"", p.AWSProfile)
	}
	if p.Region != "" && strings.IndexFunc(p.Region, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) >= 0 {
		return nil, invalid("region", "the region %q should look like us-east-1 (lower-case letters, digits and hyphens)", p.Region)
	}

	if p.Endpoint == "" {
		if p.Provider != ProviderAWS && p.AWSProfile == "" {
			hint := preset.EndpointHint
			if hint == "" || hint == "https://" {
				hint = "https://s3.example.com"
			}
			return nil, invalid("endpoint", "%s needs an endpoint URL, for example %s", preset.Label, hint)
		}
	} else {
		if strings.ContainsAny(p.Endpoint, "<>") {
			return nil, invalid("endpoint", "replace the <...> part of the endpoint %q with your own value", p.Endpoint)
		}
		u, perr := url.Parse(p.Endpoint)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, invalid("endpoint", "the endpoint %q is not an http(s) URL; write it like https://s3.example.com", p.Endpoint)
		}
		if u.User != nil {
			return nil, invalid("endpoint", "the endpoint must not contain a user name or password; put the keys in their own fields")
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, invalid("endpoint", "the endpoint must not contain ? or #; use just the scheme, host and port")
		}
		if u.Path != "" && u.Path != "/" {
			warnings = append(warnings, fmt.Sprintf("the endpoint has a path (%s); most services expect only scheme, host and port, with buckets chosen in the app", u.Path))
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			if !p.AllowInsecureHTTP {
				return nil, &Error{Kind: ErrInsecure, Field: "endpoint",
					Msg: fmt.Sprintf("the endpoint %s uses plain http:// to another computer, so your files travel unencrypted and anyone on the network can read or change them; use https://, or tick \"Allow insecure HTTP\" if you trust this network", p.Endpoint)}
			}
			warnings = append(warnings, fmt.Sprintf("insecure: %s uses plain HTTP; files and request details travel unencrypted", u.Host))
		}
		if p.Provider == ProviderAWS && strings.HasSuffix(u.Hostname(), ".r2.cloudflarestorage.com") {
			warnings = append(warnings, "this endpoint is Cloudflare R2; choose the R2 provider so its defaults (region auto, compatibility) apply")
		}
	}
	if p.Provider == ProviderR2 && p.Region != "" && p.Region != "auto" {
		warnings = append(warnings, "Cloudflare R2 expects the region \"auto\"")
	}
	if preset.Compatibility && !p.Compatibility {
		warnings = append(warnings, preset.Label+" usually needs compatibility mode; uploads may fail with checksum errors without it")
	}
	if p.AccessKeyID == "" && p.AWSProfile == "" && p.Provider != ProviderAWS {
		warnings = append(warnings, "no access key and no linked AWS profile: the default AWS credentials (environment, ~/.aws) will be used")
	}
	return warnings, nil
}

// validateSecret checks the secret that goes with a profile's access key.
func validateSecret(p Profile, sec Secret) error {
	if p.AccessKeyID == "" {
		return nil
	}
	if sec.SecretAccessKey == "" {
		return &Error{Kind: ErrInvalid, Field: "secret_access_key", Msg: "enter the secret access key that belongs to access key " + p.AccessKeyID}
	}
	if strings.IndexFunc(sec.SecretAccessKey, unicode.IsSpace) >= 0 {
		return &Error{Kind: ErrInvalid, Field: "secret_access_key", Msg: "the secret access key contains a space or line break; paste it again without spaces"}
	}
	if strings.IndexFunc(sec.SessionToken, unicode.IsSpace) >= 0 {
		return &Error{Kind: ErrInvalid, Field: "session_token", Msg: "the session token contains a space or line break; paste it again"}
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// guessProvider names the provider of an endpoint found in ~/.aws/config.
func guessProvider(endpoint string) Provider {
	if endpoint == "" {
		return ProviderAWS
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return ProviderOther
	}
	h := strings.ToLower(u.Hostname())
	switch {
	case strings.HasSuffix(h, ".amazonaws.com"):
		return ProviderAWS
	case strings.HasSuffix(h, ".r2.cloudflarestorage.com"):
		return ProviderR2
	case strings.HasSuffix(h, ".backblazeb2.com"):
		return ProviderB2
	case strings.HasSuffix(h, ".wasabisys.com"):
		return ProviderWasabi
	}
	return ProviderOther
}
