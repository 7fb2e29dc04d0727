package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/hexship/ship/registry/httpapi"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/throttle"
	"github.com/hexship/ship/registry/twofactor"
	"github.com/hexship/ship/registry/web"
)

// Config is how shipyard serves.
type Config struct {
	Addr      string // listen address, e.g. 127.0.0.1:4000
	PublicURL string // external base URL; "" means http://ADDR as listened on
	RepoName  string // the `repository` of every signed file; clients must use the same name
	// AccessTokenTTL is the lifetime of OAuth access tokens; 0 means
	// oauth.DefaultAccessTTL.
	AccessTokenTTL time.Duration
	// NoSignup closes sign-up on the website; operators then create
	// accounts with `shipyard user add`.
	NoSignup bool
	Log      *slog.Logger
	Now      func() time.Time // nil means time.Now; tests move the clock
}

// Handler builds the HTTP handler of a registry.
func Handler(cfg Config, b *Backends) http.Handler {
	return build(cfg, b).handler
}

// app is a registry's handler with the services that also need a
// background task.
type app struct {
	handler http.Handler
	oauth   *oauth.Service
	repo    *repo.Repo
}

func build(cfg Config, b *Backends) *app {
	log := logger(cfg)
	publicURL := strings.TrimSuffix(cfg.PublicURL, "/")
	rp := repo.New(cfg.RepoName, b.Signer, b.Store, b.Blobs, cfg.Now)
	// Download counts wait in memory for the repository's flush timer;
	// whatever is left is written when the backends close.
	b.onClose(rp.CloseDownloads)
	oa, err := oauth.New(oauth.Config{
		Store:       b.Store,
		Keys:        b.Keys,
		Secret:      b.Secret,
		PublicURL:   publicURL,
		AccessTTL:   cfg.AccessTokenTTL,
		DeviceLimit: oauth.DefaultDeviceLimit,
		Now:         cfg.Now,
	})
	if err != nil {
		// Open always gives a secret of the right size; anything else is
		// a caller's bug.
		panic(err)
	}
	sealer, err := twofactor.NewSealer(b.Secret)
	if err != nil {
		panic(err)
	}
	limits := &throttle.Throttle{Store: b.Store, Now: cfg.Now}
	otp := &twofactor.Checker{Store: b.Store, Sealer: sealer, Throttle: limits, Now: cfg.Now}
	api := &httpapi.API{
		Store:     b.Store,
		Blobs:     b.Blobs,
		Repo:      rp,
		Keys:      b.Keys,
		OAuth:     oa,
		TwoFactor: otp,
		PublicURL: publicURL,
		Now:       cfg.Now,
		Log:       log,
	}
	site := &web.Site{
		Store:      b.Store,
		TwoFactor:  otp,
		Sealer:     sealer,
		Throttle:   limits,
		Devices:    oa,
		Blobs:      b.Blobs,
		Keys:       b.Keys,
		RepoName:   cfg.RepoName,
		Secret:     b.Secret,
		PublicURL:  publicURL,
		SignupOpen: !cfg.NoSignup,
		Now:        cfg.Now,
		Log:        log,
	}
	mux := http.NewServeMux()
	api.Register(mux)
	mux.Handle("/repo/", rp.Handler("/repo", log))
	site.Register(mux)
	return &app{handler: recoverPanics(logRequests(mux, log), log), oauth: oa, repo: rp}
}

// logger is cfg.Log, or one that discards when there is none.
func logger(cfg Config) *slog.Logger {
	if cfg.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return cfg.Log
}

// Serve listens on cfg.Addr and serves until ctx ends, then shuts down
// gracefully: requests in flight (an upload, say) get up to 30 seconds to
// finish. ready, when set, is called with the base URL once listening.
func Serve(ctx context.Context, cfg Config, b *Backends, ready func(url string)) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot listen on %s: the address is already in use (another shipyard?); pick another with --addr", cfg.Addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	base := "http://" + ln.Addr().String()
	if cfg.PublicURL == "" {
		cfg.PublicURL = base
	}
	a := build(cfg, b)
	go prune(ctx, a.oauth, logger(cfg))
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		// A whole request, a 16 MiB upload included, must arrive within
		// this: a client trickling bytes cannot hold a connection forever.
		ReadTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(base)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger(cfg).Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	// No request is in flight any more (or the wait timed out): write the
	// download counts now rather than only when the backends close.
	if err := a.repo.CloseDownloads(shutdownCtx); err != nil {
		logger(cfg).Error("writing download counts failed", "err", err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	logger(cfg).Info("stopped")
	return nil
}

// pruneEvery is how often expired device codes, sessions and failure
// counts are deleted.
const pruneEvery = 10 * time.Minute

// prune deletes what expired, until ctx ends. With several processes each
// prunes; the deletes are idempotent.
func prune(ctx context.Context, oa *oauth.Service, log *slog.Logger) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := oa.Prune(ctx); err != nil && ctx.Err() == nil {
				log.Warn("pruning expired logins failed; will retry", "err", err)
			}
		}
	}
}

// statusRecorder remembers the status and size of a response for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one line per request. The query string is left out:
// it is the one part of a URL where a client might put a credential.
func logRequests(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration", time.Since(start).Round(time.Microsecond), "remote", r.RemoteAddr)
	})
}

// recoverPanics turns a handler panic into a logged 500 instead of a
// dropped connection.
func recoverPanics(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
