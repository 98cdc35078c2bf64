package kubeschema

import "testing"

func TestAttributeName(t *testing.T) {
	cases := map[string]string{
		"nodeSelector":                  "node_selector",
		"terminationGracePeriodSeconds": "termination_grace_period_seconds",
		"hostPath":                      "host_path",
		"matchLabels":                   "match_labels",
		"hostIPC":                       "host_ipc",
		"hostPID":                       "host_pid",
		"setHostnameAsFQDN":             "set_hostname_as_fqdn",
		"volumeID":                      "volume_id",
		"targetWWNs":                    "target_wwns",
		"podIPs":                        "pod_ips",
		"diskURI":                       "disk_uri",
		"seLinuxOptions":                "se_linux_options",
		"fsGroupChangePolicy":           "fs_group_change_policy",
		"name":                          "name",
		"iqn":                           "iqn",
		"wwids":                         "wwids",
		"scaleIO":                       "scale_io",
		"apiVersion":                    "api_version",
		"datasetUUID":                   "dataset_uuid",
		"storagePolicyID":               "storage_policy_id",
		"gmsaCredentialSpecName":        "gmsa_credential_spec_name",
		"awsElasticBlockStore":          "aws_elastic_block_store",
		"fieldsV1":                      "fields_v1",
		"IPAddress":                     "ip_address",
		"hostIPAddress":                 "host_ip_address",
		"podIPsByNode":                  "pod_ips_by_node",
		"hostIP":                        "host_ip",
		"Name":                          "name",
		"x":                             "x",
		"":                              "",
	}
	for in, want := range cases {
		if got := AttributeName(in); got != want {
			t.Errorf("AttributeName(%q) = %q, want %q", in, got, want)
		}
	}
}
