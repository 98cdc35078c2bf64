# A patch is imported by namespace/name/field_manager: the fields that field manager owns.
terraform import k8sfleet_daemonset_patch.aws_node kube-system/aws-node/k8sfleet-patch-3f9a0c21b7

# By namespace/name alone, the patch gets a new field manager that owns nothing yet: the next
# apply writes the configured fields under it.
terraform import k8sfleet_daemonset_patch.aws_node kube-system/aws-node
