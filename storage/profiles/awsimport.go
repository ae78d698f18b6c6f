package profiles

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ImportCandidate is one profile found in the AWS shared config. It never
// holds a secret.
type ImportCandidate struct {
	Name      string
	Region    string
	Endpoint  string
	PathStyle bool
	// HasStaticKeys tells that aws_access_key_id is set, so the keys could
	// be copied to the keychain.
	HasStaticKeys bool
	// Kind says how the SDK will get credentials: "static keys", "SSO",
	// "assume role", "credential process", "web identity" or "" (unknown).
	Kind string
	// Source is the file the profile was found in (the config file when it
	// is in both).
	Source string
}

// AWSConfigPaths returns the shared config and credentials files the AWS
// CLI would read: $AWS_CONFIG_FILE and $AWS_SHARED_CREDENTIALS_FILE, else
// ~/.aws/config and ~/.aws/credentials.
func AWSConfigPaths() (configFile, credentialsFile string) {
	home, _ := os.UserHomeDir()
	configFile = os.Getenv("AWS_CONFIG_FILE")
	if configFile == "" {
		configFile = filepath.Join(home, ".aws", "config")
	}
	credentialsFile = os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if credentialsFile == "" {
		credentialsFile = filepath.Join(home, ".aws", "credentials")
	}
	return expandHome(configFile, home), expandHome(credentialsFile, home)
}

func expandHome(p, home string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[1:])
	}
	return p
}

// iniFile is a parsed AWS shared config file: section -> key -> value, where
// nested keys (s3 =\n  addressing_style = path) read as "s3.addressing_style".
type iniFile map[string]map[string]string

// parseINI reads the AWS flavour of INI. Unknown syntax is skipped, never an
// error: a user's config may hold anything.
func parseINI(path string) (iniFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := iniFile{}
	var section, parent string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		raw := strings.TrimRight(sc.Text(), " \t\r")
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				section = ""
				continue
			}
			section = strings.Join(strings.Fields(line[1:end]), " ")
			parent = ""
			if out[section] == nil {
				out[section] = map[string]string{}
			}
			continue
		}
		if section == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		indented := raw[0] == ' ' || raw[0] == '\t'
		switch {
		case indented && parent != "":
			out[section][parent+"."+k] = v
		case v == "":
			parent = k // the start of a nested block
		default:
			parent = ""
			out[section][k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// awsProfiles merges the config file ([default], [profile x]) and the
// credentials file ([x]) into name -> settings, plus the [services x]
// sections of the config file.
func awsProfiles() (profiles map[string]map[string]string, services iniFile, sources map[string]string, err error) {
	configFile, credsFile := AWSConfigPaths()
	profiles = map[string]map[string]string{}
	sources = map[string]string{}
	services = iniFile{}
	cfg, err := parseINI(configFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("cannot read the AWS config file %s: %w", configFile, err)
	}
	creds, err := parseINI(credsFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("cannot read the AWS credentials file %s: %w", credsFile, err)
	}
	for sec, kv := range creds {
		profiles[sec] = maps.Clone(kv)
		sources[sec] = credsFile
	}
	for sec, kv := range cfg {
		var name string
		switch {
		case sec == "default":
			name = "default"
		case strings.HasPrefix(sec, "profile "):
			name = strings.TrimSpace(strings.TrimPrefix(sec, "profile "))
		case strings.HasPrefix(sec, "services "):
			services[strings.TrimSpace(strings.TrimPrefix(sec, "services "))] = kv
			continue
		default:
			continue // sso-session and others
		}
		if profiles[name] == nil {
			profiles[name] = map[string]string{}
		}
		for k, v := range kv {
			if _, fromCreds := profiles[name][k]; !fromCreds || !strings.HasPrefix(k, "aws_") {
				profiles[name][k] = v
			}
		}
		sources[name] = configFile
	}
	return profiles, services, sources, nil
}

// DiscoverAWS lists the profiles of the AWS shared config and credentials
// files ($AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE or ~/.aws), with
// their region, endpoint (endpoint_url, s3.endpoint_url or the services
// section) and addressing style. Missing files give an empty list.
func DiscoverAWS(ctx context.Context) ([]ImportCandidate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	profiles, services, sources, err := awsProfiles()
	if err != nil {
		return nil, err
	}
	var out []ImportCandidate
	for name, kv := range profiles {
		if name == "" {
			continue
		}
		c := ImportCandidate{
			Name:          name,
			Region:        kv["region"],
			Endpoint:      kv["endpoint_url"],
			PathStyle:     strings.EqualFold(kv["s3.addressing_style"], "path"),
			HasStaticKeys: kv["aws_access_key_id"] != "",
			Source:        sources[name],
		}
		if v := kv["s3.endpoint_url"]; v != "" {
			c.Endpoint = v
		}
		if sv := services[kv["services"]]; sv != nil && sv["s3.endpoint_url"] != "" {
			c.Endpoint = sv["s3.endpoint_url"]
		}
		c.Endpoint = strings.TrimRight(c.Endpoint, "/")
		switch {
		case kv["sso_session"] != "" || kv["sso_start_url"] != "":
			c.Kind = "SSO"
		case kv["role_arn"] != "" && kv["web_identity_token_file"] != "":
			c.Kind = "web identity"
		case kv["role_arn"] != "":
			c.Kind = "assume role"
		case kv["credential_process"] != "":
			c.Kind = "credential process"
		case c.HasStaticKeys:
			c.Kind = "static keys"
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b ImportCandidate) int {
		switch {
		case a.Name == "default":
			return -1
		case b.Name == "default":
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// Import saves a discovered AWS profile. By default the new profile links
// the named AWS profile, so the SDK keeps resolving its credentials, region
// and endpoint from ~/.aws as the AWS CLI does (SSO, roles and
// credential_process keep working). With copyKeys the static keys are
// copied into the keychain instead and the profile stands alone; that is
// only done on explicit request.
func (s *Store) Import(ctx context.Context, c ImportCandidate, copyKeys bool) (Profile, error) {
	p := Profile{
		Name:      c.Name,
		Provider:  guessProvider(c.Endpoint),
		PathStyle: c.PathStyle,
	}
	if preset, ok := PresetFor(p.Provider); ok {
		p.Compatibility = preset.Compatibility
	}
	if !copyKeys {
		// Region and endpoint stay in ~/.aws, where the SDK reads them.
		p.AWSProfile = c.Name
		return p, s.Add(ctx, p, Secret{})
	}
	profiles, _, _, err := awsProfiles()
	if err != nil {
		return Profile{}, err
	}
	kv := profiles[c.Name]
	if kv == nil || kv["aws_access_key_id"] == "" || kv["aws_secret_access_key"] == "" {
		return Profile{}, &Error{Kind: ErrInvalid, Field: "aws_profile",
			Msg: fmt.Sprintf("the AWS profile %q has no static keys (aws_access_key_id and aws_secret_access_key) to copy; link it instead", c.Name)}
	}
	p.Region = c.Region
	p.Endpoint = c.Endpoint
	p.AccessKeyID = kv["aws_access_key_id"]
	sec := Secret{SecretAccessKey: kv["aws_secret_access_key"], SessionToken: kv["aws_session_token"]}
	return p, s.Add(ctx, p, sec)
}
