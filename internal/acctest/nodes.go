package acctest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
)

// GetNode reads a node as the API server has it.
func GetNode(t *testing.T, name string) *corev1.Node {
	t.Helper()
	n, err := Cluster(t).Client.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading node %s: %v", name, err)
	}
	return n
}

// EditNode changes a node as a careful plain client (kubectl) does: read, modify, update
// under the resourceVersion, again on a conflict.
func EditNode(t *testing.T, name, manager string, edit func(*corev1.Node)) {
	t.Helper()
	api := Cluster(t).Client.CoreV1().Nodes()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := api.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		edit(n)
		_, err = api.Update(context.Background(), n, metav1.UpdateOptions{FieldManager: manager})
		return err
	})
	if err != nil {
		t.Fatalf("editing node %s: %v", name, err)
	}
}

// DeleteNode deletes a node; one already gone is fine.
func DeleteNode(t *testing.T, name string) {
	t.Helper()
	err := Cluster(t).Client.CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
}

// Destroyed asserts, through the API server, that no node carries any of the keys; carrying
// lists the nodes that carry one, what names the field in the error ("label", "taint").
func Destroyed(what string, carrying func(key string) []string, keys ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, k := range keys {
			if on := carrying(k); len(on) > 0 {
				return fmt.Errorf("%s %s is still on %s after destroy", what, k, strings.Join(on, ", "))
			}
		}
		return nil
	}
}

// Wrapped matches text that Terraform may have wrapped over lines.
func Wrapped(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// FleetNames are the names of the 50 fleet nodes the acceptance clusters have, without drop
// and with add.
func FleetNames(drop string, add ...string) []string {
	var names []string
	for i := 1; i <= 50; i++ {
		if n := fmt.Sprintf("fleet-%05d", i); n != drop {
			names = append(names, n)
		}
	}
	return append(names, add...)
}

// CarriedExactly checks that exactly the nodes in want carry key; carrying lists them.
func CarriedExactly(carrying func(key string) []string, key string, want []string) error {
	got := carrying(key)
	want = append([]string(nil), want...)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("nodes with %s:\n got %v\nwant %v", key, got, want)
	}
	return nil
}
