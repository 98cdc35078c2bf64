package nodeops

import (
	"fmt"
	"strings"
	"testing"
)

func TestTallyMajority(t *testing.T) {
	tally := Tally{}
	for i := 1; i <= 11; i++ {
		tally.Add("imp2", "x", fmt.Sprintf("n%02d", i))
	}
	tally.Add("imp2", "z", "n12")
	tally.Add("tie", "b", "n01")
	tally.Add("tie", "a", "n02")
	tally.Add("same", "v", "n01")
	tally.Add("same", "v", "n02")
	values, disagree := tally.Majority("label")
	if values["imp2"] != "x" || values["tie"] != "a" || values["same"] != "v" {
		t.Errorf("values %v, want imp2=x (most nodes), tie=a (the smallest), same=v", values)
	}
	if len(disagree) != 2 {
		t.Fatalf("%d disagreements, want imp2 and tie: %q", len(disagree), disagree)
	}
	if !strings.Contains(disagree[0], `label imp2 is "x" on 11 nodes and "z" on 1 node (n12)`) {
		t.Errorf("the text does not list the node that differs: %s", disagree[0])
	}
}
