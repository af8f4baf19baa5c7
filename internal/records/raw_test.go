package records

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestRawRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "postings.parquet")
	extras := []ExtraColumn{{Name: "Company"}, {Name: "Contact", Plain: true}, {Name: "Company Profile"}}
	w, err := CreateRaw(p, extras)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	want := []RawPosting{
		{Source: "kaggle", SourceFile: "jobs.csv", SourceRow: 1, SourceLine: 2, PostingID: "17", Role: "Data Analyst",
			Title: "Analyst", Skills: "SQL\nExcel", Description: "Analyses data.", Responsibilities: "Reports",
			Extras: []Extra{{Key: "Company", Value: "Acme"}, {Key: "Company Profile", Value: `{"Sector":"Café 数据"}`}}},
		{Source: "kaggle", SourceFile: "jobs.csv", SourceRow: 2, SourceLine: 4, Role: "Nurse", Skills: "Care",
			Extras: []Extra{{Key: "Contact", Value: "555-0100"}}},
		{Source: "kaggle", SourceFile: "jobs.csv", SourceRow: 3, SourceLine: 5},
	}
	for i := range want {
		vals := make([]string, len(extras))
		for _, e := range want[i].Extras {
			vals[slices.IndexFunc(extras, func(c ExtraColumn) bool { return c.Name == e.Key })] = e.Value
		}
		if err := w.Write(&want[i], vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(&want[0], nil); err == nil || !strings.Contains(err.Error(), "0 extras for 3") {
		t.Errorf("Write with no extras = %v; want an error counting them", err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRaw(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadRaw = %+v\nwant %+v", got, want)
	}
}

func TestRawWithoutExtras(t *testing.T) {
	p := filepath.Join(t.TempDir(), "postings.parquet")
	w, err := CreateRaw(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	want := []RawPosting{{Source: "onet", SourceRow: 1, Role: "Chef", Skills: "Cooking"}}
	if err := w.Write(&want[0], nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRaw(p)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ReadRaw = %+v, %v; want %+v", got, err, want)
	}
}

func TestExtraColumnNames(t *testing.T) {
	got := ExtraColumnNames([]string{"Company", "", "Company", "x", "Company", "Company_2"})
	want := []string{"Company", "column_2", "Company_2", "x", "Company_3", "Company_2_2"}
	if !slices.Equal(got, want) {
		t.Errorf("ExtraColumnNames = %q; want %q", got, want)
	}
}
