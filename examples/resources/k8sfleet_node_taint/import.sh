# Taints are identified by key and effect, as kubectl does. On one node:
# "<node_name>:<key>:<Effect>,<key>:<Effect>"; every other taint is left alone.
terraform import k8sfleet_node_taint.gpu k8s-01:gpu:NoSchedule,gpu:NoExecute

# On every node of a label selector: "label_selector:<selector>:<key>:<Effect>,...".
terraform import k8sfleet_node_taint.gpu_fleet 'label_selector:accelerator=nvidia:gpu:NoSchedule'
