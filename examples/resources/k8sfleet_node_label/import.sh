# Labels on one node are imported as "<node_name>:<key>,<key>"; import adopts exactly those
# keys (taking them over from kubectl or another field manager) and leaves every other label alone.
terraform import k8sfleet_node_label.logger k8s-01:logger,team

# Labels on every node of a label selector: "label_selector:<selector>:<key>,<key>".
terraform import k8sfleet_node_label.fleet 'label_selector:pool=edge:logger'
