# Sequential single-client cost of each lifecycle step (accept and done), for docs/benchmarks.md.
# usage: python3 step-costs.py PORT FIRST_VMID   (node: FABRIC_TLS=off FABRIC_ROOT_PASSWORD=pw FABRIC_NODE=pve1)
import http.client, json, time, urllib.parse, sys
port=int(sys.argv[1]); base=int(sys.argv[2])
c=http.client.HTTPConnection('127.0.0.1',port)
c.request('POST','/api2/json/access/ticket',body='username=root%40pam&password=pw',headers={'Content-Type':'application/x-www-form-urlencoded'})
d=json.loads(c.getresponse().read())['data']
h={'Cookie':'PVEAuthCookie='+urllib.parse.quote(d['ticket'],safe=''),'CSRFPreventionToken':d['CSRFPreventionToken']}
hf=dict(h,**{'Content-Type':'application/x-www-form-urlencoded'})
def task(method,path,body=''):
    t=time.perf_counter(); c.request(method,path,body=body,headers=hf); up=json.loads(c.getresponse().read())['data']; t1=time.perf_counter(); polls=0
    while True:
        polls+=1
        c.request('GET','/api2/json/nodes/pve1/tasks/'+urllib.parse.quote(up,safe='')+'/status',headers=h); s=json.loads(c.getresponse().read())['data']
        if s['status']=='stopped': break
    return (t1-t)*1000,(time.perf_counter()-t)*1000,polls
res={'create':[],'start':[],'stop':[],'delete':[]}
for v in range(base,base+120):
    res['create'].append(task('POST','/api2/json/nodes/pve1/qemu','vmid=%d&memory=64'%v))
    res['start'].append(task('POST','/api2/json/nodes/pve1/qemu/%d/status/start'%v))
    res['stop'].append(task('POST','/api2/json/nodes/pve1/qemu/%d/status/stop'%v))
    res['delete'].append(task('DELETE','/api2/json/nodes/pve1/qemu/%d'%v))
for k,v in res.items():
    v=v[20:]; a=sorted(x[0] for x in v); b=sorted(x[1] for x in v); p=sum(x[2] for x in v)/len(v)
    print('%-7s accept p50 %6.2f p99 %6.2f | done p50 %6.2f p99 %6.2f | polls %.1f' % (k,a[len(a)//2],a[int(len(a)*.99)],b[len(b)//2],b[int(len(b)*.99)],p))
