"""Writes a decoder shaped like Qwen2.5-0.5B (24 layers, hidden 896, MLP 4864, 14 heads, 2 KV heads, vocab cut
to 8192) with random weights, exported like optimum (past key/values, position ids), plus matmul.onnx (one
[256, 896] x [896, 4864] MatMul, the peak the prefill is compared with). For `npm run bench` only; the
output folder (.bench/) is gitignored. Usage: /usr/bin/python3 scripts/bench/make-qwen-shaped.py OUT_DIR [--real-vocab]
--real-vocab: the full 151,936-token vocabulary, with the head as its own [896, 151936] MatMul weight (what
exporters write for Qwen2.5's tied head: a folded transposed copy), weights in OUT_DIR/model.onnx_data."""
import json, os, shutil, sys
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'demo-model'))
from model import Config, LlamaForCausalLM  # noqa: E402

out = sys.argv[1]
real_vocab = '--real-vocab' in sys.argv[2:]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
c = Config(vocab_size=151936 if real_vocab else 8192, hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
           num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1000000.0, tie_word_embeddings=not real_vocab)
with torch.no_grad():
    m = LlamaForCausalLM(c).eval()
L = c.num_hidden_layers
names_in = ['input_ids', 'attention_mask', 'position_ids'] + [f'past_key_values.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
names_out = ['logits'] + [f'present.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
dyn = {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
       'position_ids': {0: 'batch_size', 1: 'sequence_length'}, 'logits': {0: 'batch_size', 1: 'sequence_length'}}
for i in range(L):
    for kv in ('key', 'value'):
        dyn[f'past_key_values.{i}.{kv}'] = {0: 'batch_size', 2: 'past_sequence_length'}
        dyn[f'present.{i}.{kv}'] = {0: 'batch_size', 2: 'total_sequence_length'}
ex = torch.tensor([[1, 2, 3], [4, 5, 6]])
with torch.no_grad():
    torch.onnx.export(m, (ex, torch.ones(2, 3, dtype=torch.long), torch.arange(3).unsqueeze(0).repeat(2, 1), *m.empty_past(2)),
                      os.path.join(out, 'model.onnx'), input_names=names_in, output_names=names_out, dynamic_axes=dyn,
                      opset_version=14, do_constant_folding=True)
del m
if real_vocab:  # over 2 GB: protobuf needs the weights outside the graph file
    import onnx as _onnx
    big = _onnx.load(os.path.join(out, 'model.onnx'))
    for f in os.listdir(out):
        if f != 'model.onnx' and not f.endswith('.json'):
            os.remove(os.path.join(out, f))
    _onnx.save_model(big, os.path.join(out, 'model.onnx'), save_as_external_data=True, all_tensors_to_one_file=True,
                     location='model.onnx_data', size_threshold=1024)
    del big
with open(os.path.join(out, 'config.json'), 'w') as f:
    json.dump(c.to_hf([2]), f, indent=1)
with open(os.path.join(out, 'generation_config.json'), 'w') as f:
    json.dump({'eos_token_id': [2]}, f)
fx = os.path.join(ROOT, 'test', 'unit', 'engine', 'fixtures', 'chatml')
for name in ('tokenizer.json', 'tokenizer_config.json'):
    shutil.copy(os.path.join(fx, name), os.path.join(out, name))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peak_matmul import write_peak_matmul  # noqa: E402

write_peak_matmul(os.path.join(out, 'matmul.onnx'))
print('wrote', out)
