# Taints are identified by key and effect, as kubectl does. On one node:
# "<node_name>:<key>:<Effect>,<key>:<Effect>". The imported taints are adopted: from then on
# they belong to the resource, and destroy removes them. Every other taint is left alone.
terraform import k8sfleet_node_taint.gpu k8s-01:nvidia.com/gpu:NoSchedule,nvidia.com/gpu:NoExecute

# On every node of a label selector: "label_selector:<selector>:<key>:<Effect>,...".
terraform import k8sfleet_node_taint.dedicated_db 'label_selector:pool=database:dedicated:NoSchedule'
