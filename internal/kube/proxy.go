package kube

import (
	"fmt"
	"net/http"
	"net/url"
)

func parseProxyURL(raw string) (func(*http.Request) (*url.URL, error), error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("proxy_url: %q is not an absolute URL such as http://proxy:3128", raw)
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return nil, fmt.Errorf("proxy_url: scheme %q is not supported (http, https or socks5)", u.Scheme)
	}
	return http.ProxyURL(u), nil
}
