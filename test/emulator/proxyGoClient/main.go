// A client with fixed host names and a non-Node TLS stack: Go's standard
// library only. It reaches the emulator in proxy mode with nothing but
// HTTPS_PROXY (http.ProxyFromEnvironment, the default transport's proxy) and
// SSL_CERT_FILE (crypto/x509 reads it on Linux for the trusted roots).
// Output: one JSON object on stdout. Built and run by proxyMode.test.ts.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

type result struct {
	OK              bool   `json:"ok"`
	Error           string `json:"error,omitempty"`
	TokenType       string `json:"tokenType,omitempty"`
	Environments    int    `json:"environments"`
	BillingPolicies int    `json:"billingPolicies"`
	ProxyUsed       string `json:"proxyUsed,omitempty"`
}

var client = &http.Client{Timeout: 30 * time.Second}

func token(tenant, clientID, secret, scope string) (string, string, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {clientID},
		"client_secret": {secret},
		"scope":         {scope},
	}
	res, err := client.PostForm("https://login.microsoftonline.com/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		return "", "", err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return "", "", fmt.Errorf("token endpoint answered %d", res.StatusCode)
	}
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return "", "", err
	}
	return body.AccessToken, body.TokenType, nil
}

func count(rawURL, bearer string) (int, error) {
	req, _ := http.NewRequest("GET", rawURL, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("GET %s answered %d: %s", req.URL.Path, res.StatusCode, strings.TrimSpace(string(data)))
	}
	var body struct {
		Value []json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return 0, err
	}
	return len(body.Value), nil
}

func run() result {
	tenant, clientID, secret := os.Getenv("AZURE_TENANT_ID"), os.Getenv("AZURE_CLIENT_ID"), os.Getenv("AZURE_CLIENT_SECRET")
	probe, _ := http.NewRequest("GET", "https://api.bap.microsoft.com/", nil)
	proxy, _ := http.ProxyFromEnvironment(probe)
	r := result{}
	if proxy != nil {
		r.ProxyUsed = proxy.Host
	}
	bap, tokenType, err := token(tenant, clientID, secret, "https://service.powerapps.com/.default")
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.TokenType = tokenType
	if r.Environments, err = count("https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01", bap); err != nil {
		r.Error = err.Error()
		return r
	}
	pp, _, err := token(tenant, clientID, secret, "https://api.powerplatform.com/.default")
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if r.BillingPolicies, err = count("https://api.powerplatform.com/licensing/billingPolicies?api-version=2022-03-01-preview", pp); err != nil {
		r.Error = err.Error()
		return r
	}
	r.OK = true
	return r
}

func main() {
	out, _ := json.Marshal(run())
	fmt.Println(string(out))
}
