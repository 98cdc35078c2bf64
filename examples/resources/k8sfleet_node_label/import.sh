# Labels on one node: "<node_name>:<key>,<key>". Only these keys are imported; every other
# label on the node is left alone. If one k8sfleet field manager owns them (the state was
# lost), the resource takes that manager over; otherwise the labels are adopted from kubectl
# or whoever set them, and from then on destroy removes them.
terraform import k8sfleet_node_label.logger k8s-01:logger,team

# Labels on every node of a label selector: "label_selector:<selector>:<key>,<key>".
terraform import k8sfleet_node_label.fleet 'label_selector:pool=edge:logger'
