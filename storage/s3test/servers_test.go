package s3test_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage/s3test"
)

// MinIO and rclone serve s3 run as real processes: signed requests work,
// wrong keys are refused, they listen on loopback only, Restart keeps the
// port and the data, and Stop frees the port.
func TestProcessServers(t *testing.T) {
	for kind, start := range map[string]func(testing.TB) *s3test.Server{
		s3test.MinIO:  s3test.StartMinIO,
		s3test.Rclone: s3test.StartRclone,
	} {
		t.Run(kind, func(t *testing.T) {
			srv := start(t)
			if srv.Kind != kind || srv.Fake() || !srv.Supports(s3test.SigV4) {
				t.Fatalf("kind %q fake %v", srv.Kind, srv.Fake())
			}
			if !strings.HasPrefix(srv.Endpoint, "http://127.0.0.1:") {
				t.Fatalf("endpoint %s is not loopback", srv.Endpoint)
			}
			ctx := context.Background()
			b := srv.Bucket(t)
			if _, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("d/k"), Body: strings.NewReader("kept")}); err != nil {
				t.Fatal(err)
			}
			bad := *srv
			bad.SecretKey = "wrong" + srv.SecretKey
			if _, err := bad.Client(t).ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
				t.Fatal("a wrong secret key was accepted")
			}
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.Endpoint, "http://"))
			if runtime.GOOS == "linux" {
				// MinIO adds ::1 beside 127.0.0.1: loopback too.
				open := listeners(t, port)
				for _, a := range open {
					if a != "127.0.0.1" && a != "::1" {
						t.Fatalf("port %s is listened on at %v, want loopback only", port, open)
					}
				}
				if len(open) == 0 {
					t.Fatalf("nothing listens on port %s", port)
				}
			}
			endpoint := srv.Endpoint
			srv.Restart(t)
			if srv.Endpoint != endpoint {
				t.Fatalf("endpoint moved: %s -> %s", endpoint, srv.Endpoint)
			}
			out, err := srv.Client(t).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("d/k")})
			if err != nil {
				t.Fatalf("after restart: %v", err)
			}
			body, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(body) != "kept" {
				t.Fatalf("after restart: %q", body)
			}
			srv.Stop()
			srv.Stop()
			if c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.Endpoint, "http://"), time.Second); err == nil {
				c.Close()
				t.Fatal("still answering after Stop")
			}
		})
	}
}

// listeners is the local addresses of the listening TCP sockets on port,
// from /proc/net/tcp and tcp6 ("0.0.0.0" or "::" when on every interface).
func listeners(t *testing.T, port string) []string {
	t.Helper()
	var p int
	fmt.Sscan(port, &p)
	want := fmt.Sprintf(":%04X", p)
	var found []string
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 4 || fields[3] != "0A" || !strings.HasSuffix(fields[1], want) { // 0A = LISTEN
				continue
			}
			switch hexIP := strings.TrimSuffix(fields[1], want); hexIP {
			case "0100007F":
				found = append(found, "127.0.0.1")
			case "00000000":
				found = append(found, "0.0.0.0")
			case "00000000000000000000000000000000":
				found = append(found, "::")
			case "00000000000000000000000001000000":
				found = append(found, "::1")
			default:
				found = append(found, hexIP)
			}
		}
	}
	return found
}
